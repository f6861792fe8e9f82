package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"houqin/models/store"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[store.Code]int{
	store.CodeValidation:          http.StatusBadRequest,
	store.CodeUnauthorized:        http.StatusUnauthorized,
	store.CodeForbidden:           http.StatusForbidden,
	store.CodeNotFound:            http.StatusNotFound,
	store.CodeConflict:            http.StatusConflict,
	store.CodeInvalidTransition:   http.StatusConflict,
	store.CodeBookingConflict:     http.StatusConflict,
	store.CodeRateLimited:         http.StatusTooManyRequests,
	store.CodePayloadTooLarge:     http.StatusRequestEntityTooLarge,
	store.CodeIdempotencyMismatch: http.StatusUnprocessableEntity,
	store.CodeMethodNotAllowed:    http.StatusMethodNotAllowed,
	store.CodeUnavailable:         http.StatusServiceUnavailable,
	store.CodeInternal:            http.StatusInternalServerError,
}

// codeOf classifies errors Fiber itself raises (routing, body limits).
var codeOf = map[int]store.Code{
	http.StatusBadRequest:            store.CodeValidation,
	http.StatusNotFound:              store.CodeNotFound,
	http.StatusMethodNotAllowed:      store.CodeMethodNotAllowed,
	http.StatusRequestEntityTooLarge: store.CodePayloadTooLarge,
	http.StatusTooManyRequests:       store.CodeRateLimited,
	http.StatusUnsupportedMediaType:  store.CodeValidation,
}

// fiberDetails say what went wrong for the errors Fiber raises itself. Its
// own messages quote library internals ("cannot read multipart/form-data
// body: unexpected EOF"), so they are never sent.
var fiberDetails = map[int]string{
	http.StatusBadRequest:                  "the request could not be read: check that its body matches its Content-Type",
	http.StatusNotFound:                    "there is nothing at this address",
	http.StatusMethodNotAllowed:            "this address does not take this method",
	http.StatusRequestTimeout:              "the request took too long to arrive",
	http.StatusRequestEntityTooLarge:       "the request body is too large",
	http.StatusUnsupportedMediaType:        "the body's Content-Type is not accepted here",
	http.StatusRequestHeaderFieldsTooLarge: "the request headers are too large",
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string             `json:"type"`
	Title  string             `json:"title"`
	Status int                `json:"status"`
	Detail string             `json:"detail"`
	Code   store.Code         `json:"code"`
	Errors []store.FieldError `json:"errors,omitempty"`
	lang   string             // Content-Language of the texts
}

// unavailableDetail answers while the database is not answering.
const unavailableDetail = "the database is not answering; try again in a few seconds"

// internalDetail answers every failure of ours; the details go to the log.
const internalDetail = "something went wrong on our side; it has been logged, please try again later"

// errorHandler renders every error as problem+json, in the language the
// client asks for (see catalogue). Domain errors carry their safe message;
// anything else is logged and answered with a bare 500.
func errorHandler(log *slog.Logger, cat *catalogue) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p, extra := problemOf(err, cat.For(c.Get(fiber.HeaderAcceptLanguage)))
		if p.Status >= 500 {
			log.Error("request failed", "err", err, "method", c.Method(), "route", c.Route().Path,
				"request_id", requestID(c))
		}
		c.Status(p.Status)
		if p.Status == http.StatusServiceUnavailable {
			c.Set(fiber.HeaderRetryAfter, "5")
		}
		c.Set(fiber.HeaderContentType, "application/problem+json")
		c.Set(fiber.HeaderContentLanguage, p.lang)
		c.Vary(fiber.HeaderAcceptLanguage)
		// Errors raised before routing skip the middleware that sets it.
		c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
		encode := c.App().Config().JSONEncoder
		body, _ := encode(p)
		if len(extra) > 0 {
			var merged map[string]any
			_ = json.Unmarshal(body, &merged)
			for k, v := range extra {
				if _, taken := merged[k]; !taken {
					merged[k] = v
				}
			}
			body, _ = encode(merged)
		}
		return c.Send(body)
	}
}

func problemOf(err error, tr translator) (Problem, map[string]any) {
	var (
		me *store.Error
		fe *fiber.Error
	)
	switch {
	case store.Unavailable(err):
		return newProblem(tr, http.StatusServiceUnavailable, store.CodeUnavailable, tr.Text(unavailableDetail, nil), nil), nil
	case errors.As(err, &me):
		status := statusOf[me.Code]
		if status == 0 {
			status = http.StatusInternalServerError
		}
		fields := make([]store.FieldError, len(me.Fields))
		for i, f := range me.Fields {
			fields[i] = store.FieldError{Field: f.Field, Message: tr.Text(f.Message, f.Args)}
		}
		return newProblem(tr, status, me.Code, tr.Text(me.Message, me.Args), fields), me.Extra
	case errors.As(err, &fe) && fe.Code < 500:
		code, ok := codeOf[fe.Code]
		if !ok {
			code = store.CodeValidation
		}
		detail, ok := fiberDetails[fe.Code]
		if !ok {
			detail = fiberDetails[http.StatusBadRequest]
		}
		return newProblem(tr, fe.Code, code, tr.Text(detail, nil), nil), nil
	}
	return newProblem(tr, http.StatusInternalServerError, store.CodeInternal, tr.Text(internalDetail, nil), nil), nil
}

func newProblem(tr translator, status int, code store.Code, detail string, fields []store.FieldError) Problem {
	return Problem{Type: "urn:houqin:problem:" + string(code), Title: tr.Title(code, status), Status: status,
		Detail: detail, Code: code, Errors: fields, lang: tr.lang}
}

// defaultTitle is a problem's title in English.
func defaultTitle(status int) string { return http.StatusText(status) }
