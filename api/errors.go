package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"houqin/models"
)

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[models.Code]int{
	models.CodeValidation:          http.StatusBadRequest,
	models.CodeUnauthorized:        http.StatusUnauthorized,
	models.CodeForbidden:           http.StatusForbidden,
	models.CodeNotFound:            http.StatusNotFound,
	models.CodeConflict:            http.StatusConflict,
	models.CodeInvalidTransition:   http.StatusConflict,
	models.CodeBookingConflict:     http.StatusConflict,
	models.CodeRateLimited:         http.StatusTooManyRequests,
	models.CodePayloadTooLarge:     http.StatusRequestEntityTooLarge,
	models.CodeIdempotencyMismatch: http.StatusUnprocessableEntity,
	models.CodeMethodNotAllowed:    http.StatusMethodNotAllowed,
	models.CodeInternal:            http.StatusInternalServerError,
}

// codeOf classifies errors Fiber itself raises (routing, body limits).
var codeOf = map[int]models.Code{
	http.StatusBadRequest:            models.CodeValidation,
	http.StatusNotFound:              models.CodeNotFound,
	http.StatusMethodNotAllowed:      models.CodeMethodNotAllowed,
	http.StatusRequestEntityTooLarge: models.CodePayloadTooLarge,
	http.StatusTooManyRequests:       models.CodeRateLimited,
	http.StatusUnsupportedMediaType:  models.CodeValidation,
}

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail"`
	Code   models.Code         `json:"code"`
	Errors []models.FieldError `json:"errors,omitempty"`
}

// errorHandler renders every error as problem+json. Domain errors carry
// their safe message; anything else is logged and answered with a bare 500.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p, extra := problemOf(err)
		if p.Status >= 500 {
			log.Error("request failed", "err", err, "method", c.Method(), "route", c.Route().Path,
				"request_id", requestID(c))
		}
		c.Status(p.Status)
		c.Set(fiber.HeaderContentType, "application/problem+json")
		body, _ := json.Marshal(p)
		if len(extra) > 0 {
			var merged map[string]any
			_ = json.Unmarshal(body, &merged)
			for k, v := range extra {
				if _, taken := merged[k]; !taken {
					merged[k] = v
				}
			}
			body, _ = json.Marshal(merged)
		}
		return c.Send(body)
	}
}

func problemOf(err error) (Problem, map[string]any) {
	var (
		me *models.Error
		fe *fiber.Error
	)
	switch {
	case errors.As(err, &me):
		status := statusOf[me.Code]
		if status == 0 {
			status = http.StatusInternalServerError
		}
		return newProblem(status, me.Code, me.Message, me.Fields), me.Extra
	case errors.As(err, &fe) && fe.Code < 500:
		code, ok := codeOf[fe.Code]
		if !ok {
			code = models.CodeValidation
		}
		detail := fe.Message
		if fe.Code == http.StatusRequestEntityTooLarge {
			detail = "the request body is too large"
		}
		return newProblem(fe.Code, code, detail, nil), nil
	}
	return newProblem(http.StatusInternalServerError, models.CodeInternal, "something went wrong on our side; it has been logged", nil), nil
}

func newProblem(status int, code models.Code, detail string, fields []models.FieldError) Problem {
	return Problem{Type: "urn:houqin:problem:" + string(code), Title: http.StatusText(status), Status: status,
		Detail: detail, Code: code, Errors: fields}
}
