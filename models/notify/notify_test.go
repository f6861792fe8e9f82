package notify_test

import (
	"context"
	"testing"

	"houqin/api/apitest"
	"houqin/models/notify"
	"houqin/models/store"
)

// TestActorIsNotNotified: whoever acted (Notice.By) is left out of the
// recipients in every domain, as are ids 0; the others each get one entry.
func TestActorIsNotNotified(t *testing.T) {
	env := apitest.New(t)
	actor, other := env.NewUser(), env.NewUser()
	n := notify.Notice{Category: notify.CategorySystem, Type: "test", Title: "已处理", By: actor.ID}
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		return notify.Notify(tx, n, actor.ID, 0, other.ID, other.ID)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(env.Inbox(actor.ID)); got != 0 {
		t.Errorf("the actor got %d entries about their own action", got)
	}
	if got := len(env.Inbox(other.ID)); got != 1 {
		t.Errorf("the other recipient got %d entries, want 1", got)
	}
}
