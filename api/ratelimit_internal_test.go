package api

import (
	"strconv"
	"testing"
)

func TestLimiterCounterIsBounded(t *testing.T) {
	c := newLocalCounter(100, loginUserWindow)
	for i := 0; i < 1000; i++ {
		c.add("user-"+strconv.Itoa(i), 1)
	}
	if c.len() != 100 {
		t.Fatalf("counter holds %d keys, want its bound 100", c.len())
	}
	if n, _ := c.add("user-999", 1); n != 2 {
		t.Fatalf("the newest key counts %d after a second failure, want 2", n)
	}
}
