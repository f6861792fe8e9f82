package store

// An enumerated type is a string type whose values are listed once, in its
// domain package; its Enum method returns that list. Request validation
// (the "enum" rule) and the test that compares Go lists with the OpenAPI
// document's enums both read it, so neither can drift from the code.
type Enumerated interface {
	Enum() []string
}

// Strings converts a typed list to plain strings.
func Strings[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}
