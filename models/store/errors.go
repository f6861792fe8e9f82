package store

import (
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// Code is a stable, machine-readable error class. The HTTP layer maps each
// code to one status in a single table; nothing else decides statuses.
type Code string

const (
	CodeValidation          Code = "validation_failed"
	CodeUnauthorized        Code = "unauthorized"
	CodeForbidden           Code = "forbidden"
	CodeNotFound            Code = "not_found"
	CodeConflict            Code = "conflict"
	CodeInvalidTransition   Code = "invalid_transition"
	CodeBookingConflict     Code = "booking_conflict"
	CodeRateLimited         Code = "rate_limited"
	CodePayloadTooLarge     Code = "payload_too_large"
	CodeIdempotencyMismatch Code = "idempotency_mismatch"
	CodeMethodNotAllowed    Code = "method_not_allowed"
	CodeUnavailable         Code = "unavailable"
	CodeInternal            Code = "internal"
)

// FieldError names one invalid input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is the one error type domain code returns to callers. Message is
// safe to show to users; anything else (SQL, stacks) stays in logs.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	// Extra carries structured details a client can act on, such as the
	// slot a booking collided with. It is rendered beside the problem fields.
	Extra map[string]any
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf builds an *Error with a formatted, user-safe message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid reports one or more invalid fields as a validation error.
func Invalid(fields ...FieldError) *Error {
	msg := "the request has invalid fields"
	if len(fields) == 1 {
		msg = fields[0].Field + ": " + fields[0].Message
	}
	return &Error{Code: CodeValidation, Message: msg, Fields: fields}
}

// InvalidField is Invalid for a single field.
func InvalidField(field, message string) *Error {
	return Invalid(FieldError{Field: field, Message: message})
}

// ErrNotFound is returned when a record does not exist or the caller may not
// know that it exists.
func ErrNotFound(what string) *Error { return Errorf(CodeNotFound, "%s not found", what) }

// notFound turns "no such row" into ErrNotFound(what) and passes other errors on.
func NotFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound(what)
	}
	return err
}

// ErrForbidden is returned when the caller is known but lacks the right.
var ErrForbidden = &Error{Code: CodeForbidden, Message: "you may not do this"}

// ErrorCode returns the code of err: "" for nil, CodeInternal for foreign errors.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Wrap prefixes a failure with the operation it happened in, so that a 500
// logged at the HTTP edge names where it came from ("repair act: …"). It
// is deferred at the top of each service method that can fail:
//
//	defer store.Wrap(&err, "repair act")
//
// Domain errors keep their code and message (the client sees no prefix).
func Wrap(errp *error, op string) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", op, *errp)
	}
}
