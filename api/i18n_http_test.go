package api_test

import (
	"strings"
	"testing"
	"unicode"

	"houqin/api/apitest"
	"houqin/models/store"
)

type problemTexts struct {
	Title  string             `json:"title"`
	Detail string             `json:"detail"`
	Code   string             `json:"code"`
	Errors []store.FieldError `json:"errors"`
}

// TestProblemsSpeakTheClientsLanguage: a phone shows problems as they come,
// so they are Chinese by default and English on Accept-Language: en, with
// the same code either way.
func TestProblemsSpeakTheClientsLanguage(t *testing.T) {
	env := apitest.New(t)
	staff := env.NewUser()
	admin := env.NewUser(store.RoleAdmin)
	cases := []struct {
		name         string
		req          apitest.Request
		status       int
		code         string
		zh, en       string // detail
		zhTitle      string
		zhField      string // errors[0].message, when there are errors
		enField      string
		enNotContain string
	}{
		{name: "validation of several fields", req: apitest.Request{Method: "POST", Path: "/api/v1/auth/login", Body: `{}`},
			status: 400, code: "validation_failed", zh: "请求中有几项填写不正确", en: "the request has invalid fields",
			zhTitle: "请求有误", zhField: "为必填项", enField: "is required"},
		{name: "validation of one parameter", req: apitest.Request{Method: "GET", Path: "/api/v1/repairs?limit=0", Token: staff.Token},
			status: 400, code: "validation_failed", zh: "limit：必须在 1 到 100 之间", en: "limit: must be between 1 and 100",
			zhField: "必须在 1 到 100 之间", enField: "must be between 1 and 100"},
		{name: "a time in Go's words", req: apitest.Request{Method: "POST", Path: "/api/v1/bookings", Token: staff.Token,
			Body: `{"room_id":1,"title":"周会","start_at":"tomorrow 9am","end_at":"2026-12-01T10:00:00+08:00","attendees":3}`},
			status: 400, code: "validation_failed",
			zh:           "body：日期或时间格式不正确：日期请写成 2026-12-01，时间请写成 2026-12-01T09:00:00+08:00",
			en:           "body: holds a date or time in the wrong form: write dates like 2026-12-01 and times like 2026-12-01T09:00:00+08:00",
			enNotContain: "2006"},
		{name: "no token", req: apitest.Request{Method: "GET", Path: "/api/v1/me"},
			status: 401, code: "unauthorized", zh: "请先登录（需要有效的访问令牌）", en: "a valid access token is required", zhTitle: "未登录"},
		{name: "forbidden", req: apitest.Request{Method: "GET", Path: "/api/v1/users", Token: staff.Token},
			status: 403, code: "forbidden", zh: "您的账号没有执行此操作的权限", en: "your account has no permission for this action",
			zhTitle: "没有权限"},
		{name: "not found", req: apitest.Request{Method: "GET", Path: "/api/v1/repairs/999999", Token: staff.Token},
			status: 404, code: "not_found", zh: "找不到该报修", en: "repair not found", zhTitle: "找不到"},
		{name: "no such address", req: apitest.Request{Method: "GET", Path: "/api/v1/nowhere", Token: staff.Token},
			status: 404, code: "not_found", zh: "该地址不存在", en: "there is nothing at this address", enNotContain: "Cannot GET"},
		{name: "conflict", req: apitest.Request{Method: "POST", Path: "/api/v1/users", Token: admin.Token,
			Body: map[string]any{"username": staff.Username, "name": "重名", "password": "long-enough-1", "roles": []string{}}},
			status: 409, code: "conflict", zh: `用户名 "` + staff.Username + `" 已被使用`, en: `username "` + staff.Username + `" is taken`,
			zhTitle: "冲突"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			zh := problemIn(t, env, c.req, "", c.status, c.code)
			en := problemIn(t, env, c.req, "en", c.status, c.code)
			if zh.Detail != c.zh || en.Detail != c.en {
				t.Errorf("detail\n zh %q, want %q\n en %q, want %q", zh.Detail, c.zh, en.Detail, c.en)
			}
			if c.zhTitle != "" && zh.Title != c.zhTitle {
				t.Errorf("title %q, want %q", zh.Title, c.zhTitle)
			}
			if c.zhField != "" && (len(zh.Errors) == 0 || zh.Errors[0].Message != c.zhField || en.Errors[0].Message != c.enField) {
				t.Errorf("field messages zh %+v, en %+v; want %q, %q", zh.Errors, en.Errors, c.zhField, c.enField)
			}
			if c.enNotContain != "" && strings.Contains(en.Detail, c.enNotContain) {
				t.Errorf("detail %q shows %q", en.Detail, c.enNotContain)
			}
		})
	}
}

// TestRateLimitSpeaksTheClientsLanguage guesses one user's password until
// the limiter steps in; its refusal reads like every other problem.
func TestRateLimitSpeaksTheClientsLanguage(t *testing.T) {
	env := apitest.New(t)
	u := env.NewUser()
	guess := apitest.Request{Method: "POST", Path: "/api/v1/auth/login",
		Body: map[string]string{"username": u.Username, "password": "not-the-password"}}
	for i := 0; ; i++ {
		if i == 200 {
			t.Fatal("200 wrong passwords and no 429")
		}
		if env.Do(guess).Status == 429 {
			break
		}
	}
	zh := problemIn(t, env, guess, "zh-CN,zh;q=0.9", 429, "rate_limited")
	en := problemIn(t, env, guess, "en-GB,en;q=0.8", 429, "rate_limited")
	if !hasHan(zh.Detail) || !hasHan(zh.Title) || hasHan(en.Detail) || hasHan(en.Title) {
		t.Fatalf("zh %+v\nen %+v", zh, en)
	}
}

// problemIn sends r asking for lang ("" sends no Accept-Language) and
// returns the problem, checking its status, code and Content-Language.
func problemIn(t *testing.T, env *apitest.Env, r apitest.Request, lang string, status int, code string) problemTexts {
	t.Helper()
	want := "zh"
	r.Headers = map[string]string{}
	if lang != "" {
		r.Headers["Accept-Language"] = lang
		if strings.HasPrefix(lang, "en") {
			want = "en"
		}
	}
	resp := env.Do(r)
	apitest.Expect(t, resp, status, code)
	if got := resp.Header.Get("Content-Language"); got != want || !strings.Contains(resp.Header.Get("Vary"), "Accept-Language") {
		t.Errorf("Content-Language %q (want %q), Vary %q", got, want, resp.Header.Get("Vary"))
	}
	var p problemTexts
	resp.JSON(t, &p)
	return p
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}
