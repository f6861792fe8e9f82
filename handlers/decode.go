package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"

	"houqin/models/store"
)

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// enum accepts the values an enumerated type lists (store.Enumerated).
	_ = v.RegisterValidation("enum", func(fl validator.FieldLevel) bool {
		e, ok := fl.Field().Interface().(store.Enumerated)
		return ok && slices.Contains(e.Enum(), fl.Field().String())
	})
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	return v
}

// Decode reads a JSON body strictly into dst and validates it: unknown
// fields (including ones the caller may not set, such as status or id),
// trailing data and wrong types are all rejected as validation errors.
func Decode(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return store.InvalidField("body", "a JSON body is required")
	}
	if err := DecodeJSON(body, dst); err != nil {
		return err
	}
	return Validate(dst)
}

// DecodeJSON is Decode's parsing step, kept separate so it can be fuzzed.
func DecodeJSON(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return store.InvalidField("body", "must hold a single JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var (
		typeErr   *json.UnmarshalTypeError
		syntaxErr *json.SyntaxError
	)
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			field = "body"
		}
		return store.InvalidField(field, "must be %s", jsonKind(typeErr.Type))
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return store.InvalidField("body", "is not valid JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return store.InvalidField(name, "is not a field you can set here")
	}
	// A custom unmarshaler (dates, times) may answer in our terms already;
	// others (time.Time) speak Go ("2006-01-02T15:04:05Z07:00") and name no
	// field, so they get a plain example instead.
	var se *store.Error
	if errors.As(err, &se) {
		return se
	}
	return store.InvalidField("body", "holds a date or time in the wrong form: write dates like 2026-12-01 and times like 2026-12-01T09:00:00+08:00")
}

// jsonKind names the JSON kind a Go type takes.
func jsonKind(t reflect.Type) store.Term {
	switch t.Kind() {
	case reflect.String:
		return store.Term("a string")
	case reflect.Bool:
		return store.Term("true or false")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return store.Term("an integer")
	case reflect.Float32, reflect.Float64:
		return store.Term("a number")
	case reflect.Slice, reflect.Array:
		return store.Term("an array")
	}
	return store.Term("an object")
}

// Validate checks v's `validate` tags and lists every failing field.
func Validate(v any) error {
	err := validate.Struct(v)
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return err
	}
	fields := make([]store.FieldError, len(verrs))
	for i, fe := range verrs {
		ns := fe.Namespace()
		if _, rest, ok := strings.Cut(ns, "."); ok {
			ns = rest
		}
		fields[i] = ruleError(ns, fe)
	}
	return store.Invalid(fields...)
}

// ruleError says in words which rule the field broke.
func ruleError(ns string, fe validator.FieldError) store.FieldError {
	p := fe.Param()
	isString := fe.Kind() == reflect.String
	switch fe.Tag() {
	case "required", "required_if":
		return store.Field(ns, "is required")
	case "excluded_if":
		return store.Field(ns, "must be left out here")
	case "excludesall":
		return store.Field(ns, "must not contain any of the characters %q", strings.ReplaceAll(p, "0x2C", ","))
	case "unique":
		return store.Field(ns, "must not list the same value twice")
	case "oneof":
		return store.Field(ns, "must be one of: %s", strings.ReplaceAll(p, " ", ", "))
	case "enum":
		if e, ok := fe.Value().(store.Enumerated); ok {
			return store.Field(ns, "must be one of: %s", strings.Join(e.Enum(), ", "))
		}
		return store.Field(ns, "is not an allowed value")
	case "min", "gte":
		if isString {
			return store.Field(ns, "must be at least %s characters", p)
		}
		if fe.Kind() == reflect.Slice {
			return store.Field(ns, "must have at least %s items", p)
		}
		return store.Field(ns, "must be at least %s", p)
	case "max", "lte":
		if isString {
			return store.Field(ns, "must be at most %s characters", p)
		}
		if fe.Kind() == reflect.Slice {
			return store.Field(ns, "must have at most %s items", p)
		}
		return store.Field(ns, "must be at most %s", p)
	case "gt":
		return store.Field(ns, "must be greater than %s", p)
	case "len":
		return store.Field(ns, "must have length %s", p)
	case "e164", "numeric":
		return store.Field(ns, "must be a phone number of digits")
	case "latitude":
		return store.Field(ns, "must be a latitude between -90 and 90")
	case "longitude":
		return store.Field(ns, "must be a longitude between -180 and 180")
	case "hexcolor":
		return store.Field(ns, "must be a colour like #1677ff")
	case "url", "http_url":
		return store.Field(ns, "must be a web address such as https://example.com")
	}
	return store.Field(ns, "is not an allowed value")
}

// ParamID reads a positive integer path parameter.
func ParamID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, store.ErrNotFound("record")
	}
	return id, nil
}

// QueryInt reads an optional integer query parameter.
// QueryEnum reads an optional ?name= that must be one of T's values.
func QueryEnum[T interface {
	~string
	store.Enumerated
}](c *fiber.Ctx, name string) (T, error) {
	v := T(strings.Clone(c.Query(name)))
	if v == "" || slices.Contains(v.Enum(), string(v)) {
		return v, nil
	}
	return "", store.InvalidField(name, "must be one of: %s", strings.Join(v.Enum(), ", "))
}

func QueryInt(c *fiber.Ctx, name string, def int) (int, error) {
	s := c.Query(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, store.InvalidField(name, "must be an integer")
	}
	return n, nil
}

// QueryBool reads an optional true/false query parameter.
func QueryBool(c *fiber.Ctx, name string) (*bool, error) {
	s := c.Query(name)
	if s == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return nil, store.InvalidField(name, "must be true or false")
	}
	return &b, nil
}

// QueryDate reads an optional YYYY-MM-DD query parameter; def when absent.
func QueryDate(c *fiber.Ctx, name string, def store.Date) (store.Date, error) {
	s := c.Query(name)
	if s == "" {
		return def, nil
	}
	d, err := store.ParseDate(s)
	if err != nil {
		return store.Date{}, store.InvalidDate(name)
	}
	return d, nil
}

// PageOf reads ?limit= and ?cursor=.
func PageOf(c *fiber.Ctx) (store.Page, error) {
	limit, err := QueryInt(c, "limit", store.DefaultPageLimit)
	if err != nil {
		return store.Page{}, err
	}
	if limit < 1 || limit > store.MaxPageLimit {
		return store.Page{}, store.InvalidField("limit", "must be between 1 and %d", store.MaxPageLimit)
	}
	// Copy: Fiber reuses the query buffer after the handler returns.
	return store.Page{Limit: limit, Cursor: strings.Clone(c.Query("cursor"))}, nil
}

// List is the response shape of every list endpoint.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// ListOf maps rows to response items.
func ListOf[M, T any](rows []M, next string, f func(M) T) List[T] {
	items := make([]T, len(rows))
	for i, r := range rows {
		items[i] = f(r)
	}
	return List[T]{Items: items, NextCursor: next}
}
