package handlers

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/models/store"
)

// addPhoto is a photo upload: the service is
// asked first (so strangers and full records cost no disk writes), then
// the multipart field is read and stored; the answer is 201 with out.
func addPhoto[P, O any](c *fiber.Ctx, check func(context.Context, store.Actor, int64) error,
	add func(context.Context, store.Actor, int64, []byte) (*P, error), out func(P) O) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	ctx, a := c.UserContext(), UserFrom(c)
	if err := check(ctx, a, id); err != nil {
		return err
	}
	data, err := FormPhoto(c)
	if err != nil {
		return err
	}
	p, err := add(ctx, a, id, data)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out(*p))
}

// photoParams reads the ids of a photo's path: its record's and its own.
func photoParams(c *fiber.Ctx) (id, photoID int64, err error) {
	if id, err = ParamID(c, "id"); err != nil {
		return 0, 0, err
	}
	photoID, err = ParamID(c, "photo_id")
	return id, photoID, err
}

// PhotoOut is a photo's metadata; URL serves the bytes.
type PhotoOut struct {
	ID          int64     `json:"id"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
}

// decodeOptional reads a workflow step's body; a step that needs none may come
// without one.
func decodeOptional(c *fiber.Ctx, dst any, needsNone bool) error {
	if needsNone && len(c.Body()) == 0 {
		return nil
	}
	return Decode(c, dst)
}
