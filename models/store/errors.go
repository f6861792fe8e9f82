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

// FieldError names one invalid input field. Message is an English
// template: with Args it holds fmt verbs, and the HTTP edge translates the
// template before it fills in the arguments (see Text).
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Args    []any  `json:"-"`
}

// Field builds a FieldError whose message is a template with arguments.
func Field(name, format string, args ...any) FieldError {
	return FieldError{Field: name, Message: format, Args: args}
}

// String is the English message with its arguments filled in.
func (f FieldError) String() string { return Format(f.Message, f.Args) }

// Term marks an argument as a word of ours ("room", "approve") that the
// HTTP edge translates, unlike names and numbers, which it leaves as they
// are. Values of the domains' string types (statuses, meals) are terms too.
type Term string

// Error is the one error type domain code returns to callers. Message is
// safe to show to users; anything else (SQL, stacks) stays in logs. It is
// an English template (fmt verbs filled from Args) and the key under which
// the HTTP edge finds its translation, so it must be a string literal where
// the error is raised: a test fails on a template without a translation.
type Error struct {
	Code    Code
	Message string
	Args    []any
	Fields  []FieldError
	// Extra carries structured details a client can act on, such as the
	// slot a booking collided with. It is rendered beside the problem fields.
	Extra map[string]any
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Text()) }

// Text is the English message with its arguments filled in.
func (e *Error) Text() string { return Format(e.Message, e.Args) }

// Format fills a message template; without arguments it is taken as it is,
// so a literal message may hold a "%".
func Format(template string, args []any) string {
	if len(args) == 0 {
		return template
	}
	return fmt.Sprintf(template, args...)
}

// Errorf builds an *Error with a user-safe message template and its arguments.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: format, Args: args}
}

// InvalidFields is the message of a validation error with several fields;
// with one, the message is that field's (see Invalid).
const InvalidFields = "the request has invalid fields"

// Invalid reports one or more invalid fields as a validation error.
func Invalid(fields ...FieldError) *Error {
	if len(fields) == 1 {
		return &Error{Code: CodeValidation, Message: "%s: %s", Args: []any{fields[0].Field, fields[0]}, Fields: fields}
	}
	return &Error{Code: CodeValidation, Message: InvalidFields, Fields: fields}
}

// InvalidField is Invalid for a single field; the message is a template
// filled from args.
func InvalidField(field, format string, args ...any) *Error {
	return Invalid(Field(field, format, args...))
}

// ErrNotFound is returned when a record does not exist or the caller may not
// know that it exists.
func ErrNotFound(what string) *Error { return Errorf(CodeNotFound, "%s not found", Term(what)) }

// notFound turns "no such row" into ErrNotFound(what) and passes other errors on.
func NotFound(err error, what string) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound(what)
	}
	return err
}

// ErrForbidden is returned when the caller is known but lacks the right.
var ErrForbidden = &Error{Code: CodeForbidden, Message: "your account has no permission for this action"}

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
