package handlers

import (
	"testing"

	"houqin/models/store"
)

// FuzzDecodeJSON feeds arbitrary bodies through the strict decoder and the
// validator: whatever arrives, the answer is a value or a validation error,
// never a panic or an internal error. Run: go test ./handlers -fuzz FuzzDecodeJSON
func FuzzDecodeJSON(f *testing.F) {
	for _, seed := range []string{
		`{"username":"zhou","name":"周敏","password":"long-enough","roles":["dispatcher"]}`,
		`{"username":1}`, `{"roles":"admin"}`, `{"id":5}`, `[]`, `null`, `{"a":`, `{} {}`, "\xff",
		`{"phone":"8631x"}`, `{"roles":[null]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req createUserRequest
		err := DecodeJSON(body, &req)
		if err == nil {
			err = Validate(&req)
		}
		if err != nil && store.ErrorCode(err) != store.CodeValidation {
			t.Fatalf("body %q: %v is not a validation error", body, err)
		}
	})
}
