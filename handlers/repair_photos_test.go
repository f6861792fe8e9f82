package handlers_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/repair"
)

var (
	jpegBytes = append([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'}, make([]byte, 64)...)
	pngBytes  = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	heicBytes = append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), make([]byte, 64)...)
)

// uploadPhoto posts data as the multipart field "photo".
func (d *repairDesk) uploadPhoto(u apitest.User, id int64, data []byte) *apitest.Response {
	return uploadPhotoTo(d.env, u, id, data)
}

// uploadPhotoTo posts data to env as the multipart field "photo".
func uploadPhotoTo(env *apitest.Env, u apitest.User, id int64, data []byte) *apitest.Response {
	return postPhoto(env, u, apitest.Path("/api/v1/repairs/%d/photos", id), data)
}

// postPhoto posts data to path as the multipart field "photo".
func postPhoto(env *apitest.Env, u apitest.User, path string, data []byte) *apitest.Response {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	part, _ := w.CreateFormFile("photo", "photo.jpg") // the name and declared type are not trusted
	part.Write(data)
	w.Close()
	return env.Do(apitest.Request{Method: http.MethodPost, Path: path,
		Token: u.Token, Body: buf.Bytes(), Headers: map[string]string{"Content-Type": w.FormDataContentType()}})
}

func TestRepairPhotos(t *testing.T) {
	d := newRepairDesk(t)
	id := d.reach(t, "submitted")

	var first handlers.RepairPhotoOut
	for _, c := range []struct {
		name, contentType string
		data              []byte
	}{
		{"jpeg", "image/jpeg", jpegBytes},
		{"png", "image/png", pngBytes},
		{"heic", "image/heic", heicBytes},
		// Over the 1 MiB JSON limit, within the 8 MiB photo limit.
		{"a 3 MiB photo", "image/jpeg", append(append([]byte{}, jpegBytes...), make([]byte, 3<<20)...)},
	} {
		t.Run("accepts "+c.name, func(t *testing.T) {
			resp := d.uploadPhoto(d.staff, id, c.data)
			apitest.Expect(t, resp, 201)
			var p handlers.RepairPhotoOut
			resp.JSON(t, &p)
			if p.ContentType != c.contentType || p.Size != int64(len(c.data)) {
				t.Errorf("photo %+v", p)
			}
			if first.ID == 0 {
				first = p
			}
		})
	}
	t.Run("serves the bytes to those who may see the request", func(t *testing.T) {
		for _, u := range []apitest.User{d.staff, d.desk} {
			resp := d.env.Get(first.URL, u.Token)
			apitest.Expect(t, resp, 200)
			if !bytes.Equal(resp.Body, jpegBytes) || resp.Header.Get("Content-Type") != "image/jpeg" {
				t.Errorf("served %d bytes as %s", len(resp.Body), resp.Header.Get("Content-Type"))
			}
		}
		apitest.Expect(t, d.env.Get(first.URL, d.other.Token), 404, "not_found")
		apitest.Expect(t, d.env.Get(first.URL, d.tech.Token), 404, "not_found")
	})
	t.Run("listed with the request", func(t *testing.T) {
		if got := d.get(t, d.staff, id); got.PhotoCount != 4 || len(got.Photos) != 4 || got.Photos[0].URL != first.URL {
			t.Errorf("photo_count %d, photos %+v", got.PhotoCount, got.Photos)
		}
	})
	t.Run("refuses what is not an image", func(t *testing.T) {
		apitest.Expect(t, d.uploadPhoto(d.staff, id, []byte("<script>alert(1)</script>")), 400, "validation_failed")
	})
	t.Run("refuses photos over 8 MiB", func(t *testing.T) {
		big := append(append([]byte{}, jpegBytes...), make([]byte, 8<<20)...)
		apitest.Expect(t, d.uploadPhoto(d.staff, id, big), 413, "payload_too_large")
	})
	t.Run("refuses a JSON body", func(t *testing.T) {
		apitest.Expect(t, d.env.Post(apitest.Path("/api/v1/repairs/%d/photos", id), d.staff.Token, map[string]any{"photo": "x"}), 400, "validation_failed")
	})
	t.Run("JSON bodies over 1 MiB are still refused", func(t *testing.T) {
		body := map[string]any{"category": "water", "location": "x", "description": string(bytes.Repeat([]byte("a"), 2<<20))}
		apitest.Expect(t, d.env.Post("/api/v1/repairs", d.staff.Token, body), 413, "payload_too_large")
	})
	t.Run("others cannot add photos", func(t *testing.T) {
		apitest.Expect(t, d.uploadPhoto(d.other, id, jpegBytes), 404, "not_found")
	})
	t.Run("at most six", func(t *testing.T) {
		apitest.Expect(t, d.uploadPhoto(d.desk, id, jpegBytes), 201)
		apitest.Expect(t, d.uploadPhoto(d.staff, id, pngBytes), 201)
		apitest.Expect(t, d.uploadPhoto(d.staff, id, pngBytes), 409, "conflict")
	})
	t.Run("not once the request is finished", func(t *testing.T) {
		closed := d.reach(t, "closed")
		apitest.Expect(t, d.uploadPhoto(d.staff, closed, jpegBytes), 409, "invalid_transition")
	})
}

func TestRepairPhotoBrokenUploadsTellNoInternals(t *testing.T) {
	d := newRepairDesk(t)
	id := d.reach(t, "submitted")
	base := serve(t, d.env) // Fiber answers these before the app sees them: only a real server shows it
	part := "--abc\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
	for name, c := range map[string]struct{ contentType, body string }{
		"cut short":           {"multipart/form-data; boundary=abc", part + "\xff\xd8\xff"},
		"no parts":            {"multipart/form-data; boundary=abc", "not multipart at all"},
		"boundary never used": {"multipart/form-data; boundary=zzz", part + "\xff\xd8\xff\r\n--abc--\r\n"},
	} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, base+apitest.Path("/api/v1/repairs/%d/photos", id), strings.NewReader(c.body))
			req.Header.Set("Content-Type", c.contentType)
			req.Header.Set("Authorization", "Bearer "+d.staff.Token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"code":"validation_failed"`) {
				t.Fatalf("answered %d %s, want 400 validation_failed", resp.StatusCode, body)
			}
			for _, internal := range []string{"EOF", "multipart", "boundary", "mime"} {
				if strings.Contains(string(body), internal) {
					t.Fatalf("the problem quotes a library error (%q): %s", internal, body)
				}
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatal("the problem lacks X-Content-Type-Options: nosniff")
			}
		})
	}
}

func TestRepairPhotosPerPersonAreBounded(t *testing.T) {
	d := newRepairDesk(t)
	var last int64
	for n := 0; n < repair.MaxPhotosPerDay; n++ {
		if n%repair.MaxRepairPhotos == 0 {
			last = d.reach(t, "submitted")
		}
		apitest.Expect(t, d.uploadPhoto(d.staff, last, jpegBytes), http.StatusCreated)
	}
	next := d.reach(t, "submitted")
	apitest.Expect(t, d.uploadPhoto(d.staff, next, jpegBytes), http.StatusTooManyRequests, "rate_limited")
	// The desk, adding a photo to the same request, is not affected.
	apitest.Expect(t, d.uploadPhoto(d.desk, next, jpegBytes), http.StatusCreated)
	d.advance(24*time.Hour + time.Minute)
	apitest.Expect(t, d.uploadPhoto(d.staff, next, jpegBytes), http.StatusCreated)
}
