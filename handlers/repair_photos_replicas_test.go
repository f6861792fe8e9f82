package handlers_test

import (
	"bytes"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/handlers"
)

// upload adds data to request id through env and returns the new photo.
func upload(t *testing.T, env *apitest.Env, u apitest.User, id int64, data []byte) handlers.RepairPhotoOut {
	t.Helper()
	resp := uploadPhotoTo(env, u, id, data)
	apitest.Expect(t, resp, 201)
	var p handlers.RepairPhotoOut
	resp.JSON(t, &p)
	return p
}

// Two replicas on one database (SQLite file or MariaDB) keeping uploads in
// one S3 store serve each other's photos; with the store down, photos
// answer 503 and the rest of the service works on.
func TestRepairPhotosAcrossReplicas(t *testing.T) {
	fake := apitest.NewS3(t)
	d := newRepairDesk(t, apitest.WithS3(fake))
	a, b := d.env, d.env.Replica(apitest.WithS3(fake))
	id := d.reach(t, "assigned")

	fromA := upload(t, a, d.staff, id, jpegBytes)
	fromB := upload(t, b, d.tech, id, pngBytes)
	for _, c := range []struct {
		name string
		env  *apitest.Env
		u    apitest.User
		p    handlers.RepairPhotoOut
		data []byte
	}{
		{"uploaded through A, served by B", b, d.desk, fromA, jpegBytes},
		{"uploaded through B, served by A", a, d.staff, fromB, pngBytes},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp := c.env.Get(c.p.URL, c.u.Token)
			apitest.Expect(t, resp, 200)
			if !bytes.Equal(resp.Body, c.data) || resp.Header.Get("Content-Type") != c.p.ContentType {
				t.Fatalf("%s, %d bytes, want %s, %d bytes", resp.Header.Get("Content-Type"), len(resp.Body), c.p.ContentType, len(c.data))
			}
		})
	}
	t.Run("a stranger is refused on B too", func(t *testing.T) {
		apitest.Expect(t, b.Get(fromA.URL, d.other.Token), 404, "not_found")
	})

	t.Run("the store down answers 503, the rest works", func(t *testing.T) {
		fake.Stop()
		asked := time.Now()
		resp := b.Get(fromA.URL, d.staff.Token)
		apitest.Expect(t, resp, 503, "unavailable")
		t.Logf("a photo with the store down: 503 after %v", time.Since(asked).Round(time.Millisecond))
		if resp.Header.Get("Retry-After") == "" {
			t.Error("503 without Retry-After")
		}
		apitest.Expect(t, uploadPhotoTo(a, d.staff, id, jpegBytes), 503, "unavailable")
		detail := a.Get(apitest.Path("/api/v1/repairs/%d", id), d.staff.Token)
		apitest.Expect(t, detail, 200)
		var out handlers.RepairDetailOut
		detail.JSON(t, &out)
		if len(out.Photos) != 2 {
			t.Fatalf("%d photos listed, want the 2 stored before the outage (a failed upload leaves no row)", len(out.Photos))
		}
	})
}

// Replicas each on their own disk do not share photos: the other one
// answers 404, as for a photo that is gone, not 500.
func TestRepairPhotosOnSeparateDisks(t *testing.T) {
	d := newRepairDesk(t)
	other := d.env.Replica()
	id := d.reach(t, "submitted")
	p := upload(t, d.env, d.staff, id, jpegBytes)
	apitest.Expect(t, d.env.Get(p.URL, d.staff.Token), 200)
	apitest.Expect(t, other.Get(p.URL, d.staff.Token), 404, "not_found")
}
