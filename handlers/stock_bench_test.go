package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"

	"houqin/api/apitest"
	"houqin/handlers"
	"houqin/models/stock"
	"houqin/models/store"
)

// BenchmarkStockList lists a store of 2,000 items with 100,000 ledger rows:
// one page of 100, the whole store page by page, the low-stock filter and
// a search. The stock comes from the items' cached sums, so the ledger's
// size does not show in the list.
//
//	go test ./handlers/ -run '^$' -bench StockList -benchtime 20x
//	HOUQIN_TEST_MYSQL_DSN='root@tcp(127.0.0.1:3306)/' go test ./handlers/ -run '^$' -bench StockList -benchtime 20x
func BenchmarkStockList(b *testing.B) {
	quiet(b)
	env := apitest.New(b)
	keeper := env.NewUser(store.RoleStorekeeper)
	const items, movesPerItem = 2000, 50
	err := env.Store.Tx(context.Background(), func(tx *store.Tx) error {
		its := make([]stock.Item, items)
		for i := range its {
			its[i] = stock.Item{Name: fmt.Sprintf("配件%04d", i), Spec: "DN20", Unit: "个", ReorderLevel: 10,
				Location: fmt.Sprintf("A-%02d", i%40), Active: true}
		}
		if err := tx.CreateInBatches(&its, 500).Error; err != nil {
			return err
		}
		moves := make([]stock.Move, 0, items*movesPerItem)
		for i := range its {
			it := &its[i]
			for j := range movesPerItem {
				m := stock.Move{ItemID: it.ID, Kind: stock.MoveReceipt, Quantity: 4, ValueCents: 4000, UnitCostCents: 1000,
					Supplier: "五金店", ByID: keeper.ID, CreatedAt: tx.Now}
				if j%2 == 1 {
					m = stock.Move{ItemID: it.ID, Kind: stock.MoveCount, Quantity: -3 - i%2, ValueCents: int64(-3-i%2) * 1000,
						Reason: "盘点", ByID: keeper.ID, CreatedAt: tx.Now}
				}
				it.OnHand += m.Quantity
				it.ValueCents += m.ValueCents
				m.OnHand = it.OnHand
				moves = append(moves, m)
			}
		}
		if err := tx.CreateInBatches(&moves, 1000).Error; err != nil {
			return err
		}
		for _, it := range its {
			if err := tx.Model(&it).Select("on_hand", "value_cents").Updates(&it).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// list reads pages of 100 (all of them unless onePage) and counts the items.
	list := func(b *testing.B, query string, onePage bool) int {
		n := 0
		for cursor := ""; ; {
			req := httptest.NewRequest("GET", "/api/v1/stock/items?limit=100&"+query+"&cursor="+cursor, nil)
			req.Header.Set("Authorization", "Bearer "+keeper.Token)
			resp, err := env.Server.App.Test(req, -1)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err, resp.StatusCode)
			}
			var page handlers.List[handlers.StockItemOut]
			if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
			n += len(page.Items)
			if cursor = page.NextCursor; cursor == "" || onePage {
				return n
			}
		}
	}
	for _, c := range []struct {
		name, query string
		onePage     bool
		want        int
	}{
		{"one page of 100", "", true, 100},
		{"all 2000 items", "", false, items},
		{"low stock", "low=true", false, items / 2},
		{"search", "q=A-07", false, items / 40},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if n := list(b, c.query, c.onePage); n != c.want {
					b.Fatalf("listed %d, want %d", n, c.want)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/list")
		})
	}
}
