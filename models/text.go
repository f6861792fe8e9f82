package models

import "unicode/utf8"

// clip shortens s to at most n characters (runes, as VARCHAR counts them),
// the last being an ellipsis that marks the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
