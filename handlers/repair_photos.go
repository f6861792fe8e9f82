package handlers

import (
	"bytes"
	"io"

	"github.com/gofiber/fiber/v2"

	"houqin/models/repair"
	"houqin/models/store"
)

// MaxPhotoBytes is the largest photo accepted: a phone's full-size JPEG or
// HEIC fits.
const MaxPhotoBytes = 8 << 20

// imageType names the image format by its leading bytes (the declared
// content type is not trusted) and returns its content type and extension.
func imageType(b []byte) (contentType, ext string) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", ".jpg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", ".png"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		// ISO-BMFF: HEIC/HEIF photos name their brand after "ftyp".
		switch string(b[8:12]) {
		case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1":
			return "image/heic", ".heic"
		}
	}
	return "", ""
}

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
	fh, err := c.FormFile("photo")
	if err != nil {
		return store.InvalidField("photo", "send the image as multipart/form-data in the field \"photo\"")
	}
	if fh.Size > MaxPhotoBytes {
		return store.Errorf(store.CodePayloadTooLarge, "a photo may be at most %d MiB", MaxPhotoBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxPhotoBytes))
	if err != nil {
		return err
	}
	ct, ext := imageType(data)
	if ct == "" {
		return store.InvalidField("photo", "must be a JPEG, PNG or HEIC image")
	}
	p := &repair.RepairPhoto{RepairID: id, ContentType: ct, Size: int64(len(data)), StorageKey: NewBlobKey(ext)}
	if err := h.blobs.Put(ctx, p.StorageKey, data); err != nil {
		return err
	}
	if err := h.svc.AddPhoto(ctx, UserFrom(c), p); err != nil {
		_ = h.blobs.Delete(ctx, p.StorageKey)
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(photoOut(*p))
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
	p, err := h.svc.Photo(c.UserContext(), UserFrom(c), id, photoID)
	if err != nil {
		return err
	}
	data, err := h.blobs.Get(c.UserContext(), p.StorageKey)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, p.ContentType)
	c.Set(fiber.HeaderCacheControl, "private, max-age=86400")
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(data)
}
