package handlers_test

import (
	"context"
	"fmt"
	"testing"

	"houqin/api/apitest"
	"houqin/models/maint"
	"houqin/models/store"
)

// BenchmarkGenerateWorkOrders runs the generation job over 5,000 assets,
// each with its own monthly plan whose date falls within its lead time:
// one run claims every plan and writes 5,000 work orders and the pushes.
//
//	go test ./handlers/ -run '^$' -bench GenerateWorkOrders -benchtime 5x
//	HOUQIN_TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/' go test ./handlers/ -run '^$' -bench GenerateWorkOrders -benchtime 5x
func BenchmarkGenerateWorkOrders(b *testing.B) {
	quiet(b)
	env := apitest.New(b)
	techs := []int64{env.NewUser(store.RoleTechnician).ID, env.NewUser(store.RoleTechnician).ID}
	const assets = 5000
	ctx := context.Background()
	today := env.Store.Today()
	err := env.Store.Tx(ctx, func(tx *store.Tx) error {
		as := make([]maint.Asset, assets)
		for i := range as {
			as[i] = maint.Asset{Code: fmt.Sprintf("FE-%05d", i), Name: "干粉灭火器", Kind: "fire_extinguisher",
				Building: fmt.Sprintf("%d号楼", i%5+1), Quantity: 1, Active: true}
		}
		if err := tx.CreateInBatches(&as, 500).Error; err != nil {
			return err
		}
		plans := make([]maint.Plan, assets)
		for i, a := range as {
			start := today.AddDays(i % 28)
			plans[i] = maint.Plan{Name: "灭火器月检", AssetID: &a.ID, Checklist: maint.List[string]{"外观", "压力", "铅封"},
				CycleUnit: maint.CycleMonth, CycleEvery: 1, StartOn: start, LeadDays: 30, TechnicianID: &techs[i%2],
				NextDue: start, GenerateOn: start.AddDays(-30), Active: true}
		}
		return tx.CreateInBatches(&plans, 500).Error
	})
	if err != nil {
		b.Fatal(err)
	}
	reset := func() {
		for _, q := range []string{"DELETE FROM maint_work_orders", "DELETE FROM outbox_jobs", "DELETE FROM notifications",
			"UPDATE maint_plans SET next_due = start_on, generate_on = " + dateMinus30(env.Store.Dialect)} {
			if err := env.Store.Tx(ctx, func(tx *store.Tx) error { return tx.Exec(q).Error }); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		reset()
		b.StartTimer()
		n, err := env.Server.Maint.Generate(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if n != assets {
			b.Fatalf("generated %d orders, want %d", n, assets)
		}
	}
}

// dateMinus30 is start_on less 30 days in the dialect's SQL.
func dateMinus30(d store.Dialect) string {
	if d == store.MySQL {
		return "DATE_SUB(start_on, INTERVAL 30 DAY)"
	}
	return "date(start_on, '-30 days')"
}
