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
