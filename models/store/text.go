package store

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ScanText reads a text column as the drivers deliver it: string on SQLite,
// []byte on MySQL; NULL reads as "".
func ScanText(src any) (string, error) {
	switch v := src.(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("cannot scan %T as text", src)
}

// ScanJSON decodes a JSON text column into dst; NULL leaves dst as it is.
func ScanJSON(src, dst any) error {
	s, err := ScanText(src)
	if err != nil || s == "" {
		return err
	}
	return json.Unmarshal([]byte(s), dst)
}

// Clip shortens s to at most n characters (runes, as VARCHAR counts them),
// the last being an ellipsis that marks the cut.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Patch sets *dst to *src when the caller sent a value (PATCH semantics).
func Patch[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// Words is a short list of words stored comma-separated (a dish's allergens).
type Words []string

func (w Words) Value() (driver.Value, error) { return strings.Join(w, ","), nil }

func (w *Words) Scan(src any) error {
	s, err := ScanText(src)
	if err != nil {
		return err
	}
	*w = Words{}
	if s != "" {
		*w = strings.Split(s, ",")
	}
	return nil
}

// Ints is a list of small integers stored as "0,8,15" text (a shuttle
// schedule's minutes from departure to each stop); NULL reads as nil.
type Ints []int

func (m Ints) Value() (driver.Value, error) {
	parts := make([]string, len(m))
	for i, v := range m {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ","), nil
}

func (m *Ints) Scan(src any) error {
	if src == nil {
		*m = nil
		return nil
	}
	s, err := ScanText(src)
	if err != nil {
		return err
	}
	out := Ints{}
	for _, p := range strings.Split(s, ",") {
		if p == "" {
			continue
		}
		v, err := strconv.Atoi(p)
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	*m = out
	return nil
}

// Sentence clips a person's text for a notice that ends it with its own
// full stop, dropping the text's, so that the phone does not show "。。".
func Sentence(text string, n int) string {
	return Clip(strings.TrimRight(strings.TrimSpace(text), "。. "), n)
}

// CheckText adds to errs what is wrong with a text field: blank when
// required, or longer than most characters (runes, as VARCHAR counts them).
// Every domain's input checks use it, so the rule and its message are one.
func CheckText(errs []FieldError, name, v string, most int, required bool) []FieldError {
	switch {
	case required && strings.TrimSpace(v) == "":
		return append(errs, Field(name, "is required"))
	case utf8.RuneCountInString(v) > most:
		return append(errs, Field(name, "must be at most %s characters", strconv.Itoa(most)))
	}
	return errs
}
