package repair

import (
	"slices"
	"strings"

	"houqin/models/store"
)

// Check enforces what a filed request must hold, whoever files it (the
// JSON API or the desk console).
func (in *RepairInput) Check() error {
	var errs []store.FieldError
	if in.Priority == "" {
		in.Priority = PriorityNormal
	}
	if !slices.Contains(Categories, in.Category) {
		errs = append(errs, store.Field("category", "must be one of: %s", strings.Join(store.Strings(Categories), ", ")))
	}
	if !slices.Contains(Priorities, in.Priority) {
		errs = append(errs, store.Field("priority", "must be one of: %s", strings.Join(store.Strings(Priorities), ", ")))
	}
	errs = store.CheckText(errs, "location", in.Location, 200, true)
	errs = store.CheckText(errs, "description", in.Description, 2000, true)
	errs = store.CheckText(errs, "contact_phone", in.ContactPhone, 32, false)
	if strings.Trim(in.ContactPhone, "0123456789") != "" {
		errs = append(errs, store.Field("contact_phone", "must be a phone number of digits"))
	}
	if len(errs) > 0 {
		return store.Invalid(errs...)
	}
	return nil
}

// Check enforces the three 1-5 scores of feedback and callbacks.
func (sc RepairScores) Check() error {
	var errs []store.FieldError
	for _, f := range []struct {
		name  string
		score int
	}{{"attitude", sc.Attitude}, {"quality", sc.Quality}, {"cleanliness", sc.Cleanliness}} {
		if f.score < 1 || f.score > 5 {
			errs = append(errs, store.Field(f.name, "must be between 1 and %d", 5))
		}
	}
	errs = store.CheckText(errs, "comment", sc.Comment, 1000, false)
	if len(errs) > 0 {
		return store.Invalid(errs...)
	}
	return nil
}
