package push_test

import (
	"context"
	"testing"

	"houqin/push"
	"houqin/push/fcmfake"
)

// TestFCMInvalidMessageIsRejected sends a message the SDK refuses before
// sending (no token) between two good ones: it is rejected, not retried
// again and again, and the others go.
func TestFCMInvalidMessageIsRejected(t *testing.T) {
	fake := fcmfake.New(t)
	fcm, err := push.NewFCM(context.Background(), push.FCMConfig{ProjectID: fcmfake.Project, Endpoint: fake.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	var res []push.Result
	for _, m := range []push.Message{{Token: "good-1", Title: "a"}, {Token: "", Title: "b"}, {Token: "good-2", Title: "c"}} {
		res = append(res, fcm.Send(context.Background(), m))
	}
	if res[0].Outcome != push.Sent || res[1].Outcome != push.Rejected || res[2].Outcome != push.Sent {
		t.Fatalf("results %+v, want sent, rejected, sent", res)
	}
	if fake.Delivered("good-1") != 1 || fake.Delivered("good-2") != 1 || fake.Delivered("") != 0 {
		t.Fatalf("delivered %d, %d, bad %d", fake.Delivered("good-1"), fake.Delivered("good-2"), fake.Delivered(""))
	}
}
