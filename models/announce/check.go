package announce

import (
	"strings"

	"houqin/models/store"
)

// Check trims and enforces an announcement's title and body, whoever
// publishes it (the JSON API or the console).
func (in *AnnouncementInput) Check() error {
	return checkText(&in.Title, &in.Body)
}

// Check trims and enforces the fields an edit sets.
func (p AnnouncementPatch) Check() error { return checkText(p.Title, p.Body) }

func checkText(title, body *string) error {
	var errs []store.FieldError
	if title != nil {
		*title = strings.TrimSpace(*title)
		errs = store.CheckText(errs, "title", *title, 200, true)
	}
	if body != nil {
		*body = strings.TrimSpace(*body)
		errs = store.CheckText(errs, "body", *body, 5000, true)
	}
	if len(errs) > 0 {
		return store.Invalid(errs...)
	}
	return nil
}
