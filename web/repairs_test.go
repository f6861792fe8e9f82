package web_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/store"
)

func TestRepairPageShowsTimelineAndPhotos(t *testing.T) {
	env := apitest.New(t)
	desk, caller := env.NewUser(store.RoleDispatcher), env.NewUser(store.RoleStaff)
	r := env.Post("/api/v1/repairs", caller.Token, map[string]any{"category": "lift", "location": "2号楼电梯", "description": "电梯异响"})
	apitest.Expect(t, r, http.StatusCreated)
	var created struct{ ID int64 }
	r.JSON(t, &created)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	photo, err := env.Server.Repairs.AddPhoto(t.Context(), caller.Actor(), created.ID, buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(env)
	b.signIn(desk)
	p := b.get(apitest.Path("/console/repairs/%d", created.ID))
	src := apitest.Path("/console/repairs/%d/photos/%d", created.ID, photo.ID)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `src="`+src+`"`) || !strings.Contains(p.Body, "提交") {
		t.Fatalf("detail page %d lacks the photo or the timeline:\n%s", p.Status, p.Body)
	}
	img := b.get(src)
	if img.Status != http.StatusOK || img.Header.Get("Content-Type") != "image/jpeg" || img.Body != buf.String() {
		t.Errorf("photo: %d %q", img.Status, img.Header.Get("Content-Type"))
	}
	if p := b.get(apitest.Path("/console/repairs/%d/photos/%d", created.ID+1, photo.ID)); p.Status != http.StatusNotFound {
		t.Errorf("a photo under another request: %d", p.Status)
	}
}

func TestFormsShowWhatIsWrong(t *testing.T) {
	env := apitest.New(t)
	desk, caller := env.NewUser(store.RoleDispatcher), env.NewUser(store.RoleStaff)
	b := newBrowser(env)
	b.signIn(desk)
	p := b.post("/console/repairs/new", "/console/repairs", url.Values{"requester_id": {strconv.FormatInt(caller.ID, 10)},
		"category": {"plumbing"}, "location": {"1号楼"}, "description": {"  "}})
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "为必填项") || !strings.Contains(p.Body, "必须是以下之一") {
		t.Fatalf("a hotline form without a description: %d\n%s", p.Status, p.Body)
	}
	if !strings.Contains(p.Body, `value="1号楼"`) {
		t.Error("the form lost what was typed")
	}
	// A callback is refused before the job is resolved, and without scores.
	r := env.Post("/api/v1/repairs", caller.Token, map[string]any{"category": "water", "location": "1号楼", "description": "漏水"})
	var created struct{ ID int64 }
	r.JSON(t, &created)
	page, api := apitest.Path("/console/repairs/%d", created.ID), apitest.Path("/api/v1/repairs/%d", created.ID)
	p = b.post(page, page+"/callback", url.Values{"attitude": {"5"}, "quality": {"5"}, "cleanliness": {"5"}})
	if p.Status != http.StatusConflict || !strings.Contains(p.Body, "role=\"alert\"") {
		t.Errorf("a callback on a submitted request: %d", p.Status)
	}
	tech := env.NewUser(store.RoleTechnician)
	apitest.Expect(t, env.Post(api+"/assign", desk.Token, map[string]any{"technician_id": tech.ID}), http.StatusOK)
	apitest.Expect(t, env.Post(api+"/start", tech.Token, nil), http.StatusOK)
	apitest.Expect(t, env.Post(api+"/resolve", tech.Token, map[string]any{"note": "好了"}), http.StatusOK)
	p = b.post(page, page+"/callback", url.Values{"attitude": {"9"}})
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "必须在 1 到 5 之间") {
		t.Errorf("a callback with bad scores: %d\n%s", p.Status, p.Body)
	}
}

// TestRepairStatisticsPage: the desk's figures over a period, charted as
// SVG: a column per day, a bar per category and status, and each
// technician's time to finish.
func TestRepairStatisticsPage(t *testing.T) {
	env := apitest.New(t)
	desk, caller := env.NewUser(store.RoleDispatcher), env.NewUser(store.RoleStaff)
	tech := env.NewUser(store.RoleTechnician)
	rename(t, env, &tech, "李师傅", "86310050", "维修班")
	file := func(category string) int64 {
		r := env.Post("/api/v1/repairs", caller.Token, map[string]any{"category": category, "location": "2号楼", "description": "故障"})
		apitest.Expect(t, r, http.StatusCreated)
		var c struct{ ID int64 }
		r.JSON(t, &c)
		return c.ID
	}
	id := file("lift")
	file("lift")
	file("water")
	apitest.Expect(t, env.Post(apitest.Path("/api/v1/repairs/%d/assign", id), desk.Token, map[string]any{"technician_id": tech.ID}), http.StatusOK)
	apitest.Expect(t, env.Post(apitest.Path("/api/v1/repairs/%d/start", id), tech.Token, nil), http.StatusOK)
	env.Clock.Advance(10 * time.Minute)
	apitest.Expect(t, env.Post(apitest.Path("/api/v1/repairs/%d/resolve", id), tech.Token, map[string]string{"note": "已修好"}), http.StatusOK)

	b := newBrowser(env)
	b.signIn(desk)
	p := b.get("/console/repairs/stats")
	if p.Status != http.StatusOK {
		t.Fatalf("stats %d:\n%s", p.Status, p.Body)
	}
	// 30 days, one column each; today's 3 requests are the top.
	if n := strings.Count(p.Body, "</title></rect>"); n != 30 {
		t.Errorf("%d day columns, want 30", n)
	}
	for _, want := range []string{"：3 件</title>", ">3</text>", "李师傅", "10 分钟", "已修复"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	p = b.get("/console/repairs/stats?from=2026-01-01&to=2026-01-07")
	if p.Status != http.StatusOK || strings.Count(p.Body, "</title></rect>") != 7 {
		t.Errorf("a chosen week: %d, %d columns", p.Status, strings.Count(p.Body, "</title></rect>"))
	}
	for _, q := range []string{"from=2026-02-30", "from=2024-01-01&to=2026-01-01", "from=2026-02-01&to=2026-01-01"} {
		if p := b.get("/console/repairs/stats?" + q); p.Status != http.StatusBadRequest {
			t.Errorf("%s: %d", q, p.Status)
		}
	}
}
