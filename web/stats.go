package web

import (
	"fmt"
	"math"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"houqin/models/repair"
	"houqin/models/store"
)

// statsPage is the repair desk's figures over a period, with charts.
type statsPage struct {
	From, To    store.Date
	Stats       *repair.RepairStats
	Daily       columnChart
	Categories  barChart
	Statuses    barChart
	Technicians barChart
}

// repairStats shows the figures of the requests filed from..to (the last
// 30 days unless asked), as the API's /repairs/stats computes them.
func (c *Console) repairStats(ctx *fiber.Ctx) error {
	to, err := c.queryDate(ctx, "to", c.Repairs.Today())
	if err != nil {
		return err
	}
	from, err := c.queryDate(ctx, "from", to.AddDays(-29))
	if err != nil {
		return err
	}
	st, err := c.Repairs.Stats(ctx.UserContext(), from, to)
	if err != nil {
		return err
	}
	p := statsPage{From: from, To: to, Stats: st}
	count := func(v float64) string { return strconv.Itoa(int(v)) }
	p.Daily = newColumnChart("每日报修", st.Daily,
		func(i int) string { d := from.AddDays(i); return fmt.Sprintf("%d-%d", d.Month, d.Day) },
		func(i int) string { return fmt.Sprintf("%s：%d 件", from.AddDays(i), st.Daily[i]) })
	var labels []string
	var values []float64
	for _, cf := range st.Categories {
		labels, values = append(labels, c.Term(string(cf.Category))), append(values, float64(cf.Total))
	}
	p.Categories = newBarChart("按类别", labels, values, count)
	labels, values = nil, nil
	for _, s := range repair.RepairStatuses {
		labels, values = append(labels, c.Term(string(s))), append(values, float64(st.ByStatus[s]))
	}
	p.Statuses = newBarChart("按状态", labels, values, count)
	labels, values = nil, nil
	for _, t := range st.Technicians {
		labels, values = append(labels, t.Name), append(values, t.TimeToFinish.Median)
	}
	p.Technicians = newBarChart("维修人员：修复用时中位数", labels, values, minutes)
	return c.render(ctx, "repair-stats.html", view{Title: "报修统计", Data: p})
}

// queryDate reads a date parameter, def when absent.
func (c *Console) queryDate(ctx *fiber.Ctx, name string, def store.Date) (store.Date, error) {
	s := ctx.Query(name)
	if s == "" {
		return def, nil
	}
	d, err := store.ParseDate(s)
	if err != nil {
		return d, store.InvalidDate(name)
	}
	return d, nil
}

// minutes says a duration in minutes as a person reads it.
func minutes(m float64) string {
	switch {
	case m == 0:
		return "—"
	case m < 60:
		return fmt.Sprintf("%.0f 分钟", m)
	case m < 48*60:
		return fmt.Sprintf("%.1f 小时", m/60)
	}
	return fmt.Sprintf("%.1f 天", m/60/24)
}

// percent says a share in per cent.
func percent(v float64) string { return strconv.FormatFloat(math.Round(v*1000)/10, 'f', -1, 64) + "%" }
