package api

import (
	"strconv"
	"testing"
)

func TestLimiterStorageIsBounded(t *testing.T) {
	st := newBoundedStorage(100, loginUserWindow)
	for i := 0; i < 1000; i++ {
		_ = st.Set("user-"+strconv.Itoa(i), []byte{1}, loginUserWindow)
	}
	if st.Len() != 100 {
		t.Fatalf("storage holds %d keys, want its bound 100", st.Len())
	}
	if v, _ := st.Get("user-999"); v == nil {
		t.Fatal("the newest key was dropped")
	}
}
