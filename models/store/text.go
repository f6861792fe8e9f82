package store

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// scanText reads a text column as the drivers deliver it: string on SQLite,
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

// scanJSON decodes a JSON text column into dst; NULL leaves dst as it is.
func ScanJSON(src, dst any) error {
	s, err := ScanText(src)
	if err != nil || s == "" {
		return err
	}
	return json.Unmarshal([]byte(s), dst)
}

// clip shortens s to at most n characters (runes, as VARCHAR counts them),
// the last being an ellipsis that marks the cut.
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// patch sets *dst to *src when the caller sent a value (PATCH semantics).
func Patch[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}
