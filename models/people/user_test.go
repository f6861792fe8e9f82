package people_test

import (
	"testing"

	"github.com/alexedwards/argon2id"

	"houqin/models/people"
	"houqin/models/store"
)

// BenchmarkPasswordCheck is the CPU cost of one login's password check with
// models.PasswordParams: go test ./models -run X -bench PasswordCheck
func BenchmarkPasswordCheck(b *testing.B) {
	hash, err := people.HashPassword("correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _ := argon2id.ComparePasswordAndHash("correct horse battery", hash); !ok {
			b.Fatal("mismatch")
		}
	}
}

func TestParseRoles(t *testing.T) {
	rs, err := store.ParseRoles([]string{"admin", " dispatcher", "admin", ""})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := rs.Value()
	if v != "staff,dispatcher,admin" {
		t.Fatalf("roles = %v", v)
	}
	if _, err := store.ParseRoles([]string{"emperor"}); err == nil {
		t.Fatal("unknown role accepted")
	}
	a := store.Actor{Roles: rs}
	if !a.Can(store.RoleTechnician) || a.Is(store.RoleTechnician) {
		t.Fatal("admins can act as any role but are not every role")
	}
}
