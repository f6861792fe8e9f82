package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Lines reach the output while the program runs (not only at exit), whole
// and in order, however many writers there are.
func TestLogWriterFlushesWholeLines(t *testing.T) {
	var out syncBuffer
	l := newLogWriter(&out)
	l.Write([]byte("first\n"))
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "first\n" {
		if time.Now().After(deadline) {
			t.Fatalf("a line was not written while running: %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	done := make(chan bool)
	for g := range 4 {
		go func() {
			for i := range 1000 {
				fmt.Fprintf(l, "g%d line %04d %s\n", g, i, strings.Repeat("x", 100))
			}
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
	l.Close()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 4001 {
		t.Fatalf("%d lines written, want 4001", len(lines))
	}
	next := map[string]int{}
	for _, line := range lines[1:] {
		var g string
		var i int
		if _, err := fmt.Sscanf(line, "%s line %d", &g, &i); err != nil || len(line) != len("g0 line 0000 ")+100 {
			t.Fatalf("a line was torn: %q", line)
		}
		if i != next[g] {
			t.Fatalf("%s: line %d came after %d", g, i, next[g]-1)
		}
		next[g]++
	}
}
