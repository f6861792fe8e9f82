package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"houqin/api/apitest"
	"houqin/models/repair"
	"houqin/models/store"
)

// BenchmarkRepairQueue renders the desk's queue (the fragment the page
// polls) with 1,000 open requests and 500 closed ones in the last week,
// through the whole stack: session, models, template.
func BenchmarkRepairQueue(b *testing.B) {
	env := apitest.New(b)
	desk, staff, tech := env.NewUser(store.RoleDispatcher), env.NewUser(store.RoleStaff), env.NewUser(store.RoleTechnician)
	now := env.Store.Now()
	statuses := []repair.RepairStatus{repair.RepairSubmitted, repair.RepairAssigned, repair.RepairInProgress, repair.RepairResolved}
	var rows []repair.Repair
	for i := range 1500 {
		created := now.Add(-time.Duration(1500-i) * 5 * time.Minute)
		r := repair.Repair{Ticket: fmt.Sprintf("BX-B-%05d", i), RequesterID: staff.ID, EnteredByID: staff.ID,
			Category: repair.Categories[i%len(repair.Categories)], Priority: repair.Priorities[i%3],
			Location: "1号楼三楼第一会议室", Description: "空调不制冷，出风口有异响。", ContactPhone: "86310102",
			CreatedAt: created, UpdatedAt: created, RespondBy: created.Add(2 * time.Hour), DueAt: created.Add(24 * time.Hour)}
		r.DeadlineAt = &r.DueAt
		if i < 500 {
			r.Status, r.ClosedAt, r.DeadlineAt = repair.RepairClosed, &created, nil
			r.Attitude, r.Quality, r.Cleanliness, r.FeedbackSource = 5, 1+i%5, 4, "callback"
		} else {
			r.Status = statuses[i%len(statuses)]
		}
		if r.Status != repair.RepairSubmitted {
			r.TechnicianID = &tech.ID
		}
		rows = append(rows, r)
	}
	if err := env.Store.Tx(context.Background(), func(tx *store.Tx) error { return tx.CreateInBatches(&rows, 500).Error }); err != nil {
		b.Fatal(err)
	}
	br := newBrowser(env)
	br.signIn(desk)
	gzip := map[string]string{"Accept-Encoding": "gzip"}
	page, zipped := br.get("/console/repairs"), br.do(http.MethodGet, "/console/repairs", nil, gzip)
	if page.Status != http.StatusOK || zipped.Header.Get("Content-Encoding") != "gzip" {
		b.Fatalf("desk page: %d, %q", page.Status, zipped.Header.Get("Content-Encoding"))
	}
	for b.Loop() {
		if p := br.get("/console/repairs/queue"); p.Status != http.StatusOK {
			b.Fatalf("queue: %d", p.Status)
		}
	}
	b.ReportMetric(float64(len(page.Body)), "page-bytes")
	b.ReportMetric(float64(len(zipped.Body)), "page-gzip-bytes")
}
