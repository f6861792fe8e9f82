package people

import (
	"testing"

	"github.com/alexedwards/argon2id"
)

// The unknown-username check must cost what a real one costs: its hash is
// a constant, so it must carry the parameters in force.
func TestDummyHashUsesThePasswordParams(t *testing.T) {
	p, _, _, err := argon2id.DecodeHash(dummyHash)
	if err != nil {
		t.Fatal(err)
	}
	if *p != *PasswordParams {
		t.Fatalf("dummyHash was made with %+v, passwords with %+v: regenerate it", *p, *PasswordParams)
	}
}
