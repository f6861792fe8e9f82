package handlers_test

import (
	"net/http"
	"sync"
	"testing"

	"houqin/api"
	"houqin/api/apitest"
)

func TestBookingsPerPersonAreBounded(t *testing.T) {
	m := newMeetings(t, func(c *api.Config) { c.MaxFutureBookings = 4 })
	a, b := m.room(t, "第一会议室", nil), m.room(t, "第二会议室", nil)

	// Concurrent requests for different rooms are still counted together.
	var wg sync.WaitGroup
	statuses := make(chan int, 6)
	for i := range cap(statuses) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			room := []int64{a.ID, b.ID}[i%2]
			statuses <- m.book(t, m.staff, room, meetingAt(1+i/2, 9, 0), meetingAt(1+i/2, 10, 0), nil).Status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[http.StatusCreated] != 4 || count[http.StatusConflict] != 2 {
		t.Fatalf("bookings answered %v, want 4×201 and 2×409", count)
	}
	resp := m.book(t, m.staff, a.ID, meetingAt(5, 9, 0), meetingAt(5, 10, 0), nil)
	apitest.Expect(t, resp, http.StatusConflict, "conflict")
	// A series that would pass the bound is refused whole.
	apitest.Expect(t, m.book(t, m.other, a.ID, meetingAt(6, 9, 0), meetingAt(6, 10, 0),
		map[string]any{"repeat": map[string]any{"frequency": "daily", "until": "2026-12-11"}}), http.StatusConflict, "conflict")
	// Another person books as usual, and so does the first once a meeting is over.
	m.mustBook(t, m.other, b.ID, meetingAt(6, 14, 0), meetingAt(6, 15, 0), nil)
	m.at(t, meetingAt(2, 12, 0))
	m.mustBook(t, m.staff, a.ID, meetingAt(5, 9, 0), meetingAt(5, 10, 0), nil)
}
