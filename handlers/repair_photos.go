package handlers

import (
	"io"

	"github.com/gofiber/fiber/v2"

	"houqin/models/store"
)

// UploadRepairPhoto adds one photo (multipart field "photo") to a request
// the caller may see.
func (h *Repairs) UploadRepairPhoto(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if err := h.svc.CheckPhoto(ctx, UserFrom(c), id); err != nil {
		return err
	}
	data, err := FormPhoto(c)
	if err != nil {
		return err
	}
	p, err := h.svc.AddPhoto(ctx, UserFrom(c), id, data)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(photoOut(*p))
}

// FormPhoto reads the multipart field "photo" of an upload, refusing one
// over store.MaxPhotoBytes before reading it. Every photo upload uses it.
func FormPhoto(c *fiber.Ctx) ([]byte, error) {
	fh, err := c.FormFile("photo")
	if err != nil {
		return nil, store.InvalidField("photo", "send the image as multipart/form-data in the field \"photo\"")
	}
	if fh.Size > store.MaxPhotoBytes {
		return nil, store.Errorf(store.CodePayloadTooLarge, "a photo may be at most %d MiB", store.MaxPhotoBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, store.MaxPhotoBytes))
}

// RepairPhoto serves a photo's bytes to those who may see the request.
func (h *Repairs) RepairPhoto(c *fiber.Ctx) error {
	id, err := ParamID(c, "id")
	if err != nil {
		return err
	}
	photoID, err := ParamID(c, "photo_id")
	if err != nil {
		return err
	}
	p, data, err := h.svc.Photo(c.UserContext(), UserFrom(c), id, photoID)
	if err != nil {
		return err
	}
	return sendPhoto(c, p.ContentType, data)
}

// sendPhoto answers with a stored photo's bytes, which only those allowed
// to see it may cache.
func sendPhoto(c *fiber.Ctx, contentType string, data []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderCacheControl, "private, max-age=86400")
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(data)
}
