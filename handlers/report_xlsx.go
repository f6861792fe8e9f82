package handlers

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"
)

// XLSXType is the media type of a workbook.
const XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// reportSheet is one area of the report: a table whose first column names
// the rows and a column chart of column valueCol over the first charted rows.
type reportSheet struct {
	name, title string
	header      []string
	rows        [][]any
	charted     int // rows the chart covers, from the first
	valueCol    int // 1-based column the chart shows
}

// indicators is a two-column sheet of named figures, all charted.
func indicators(name, title string, rows ...[]any) reportSheet {
	return reportSheet{name: name, title: title, header: []string{"指标", "数值"}, rows: rows, charted: len(rows), valueCol: 2}
}

// sheets lays out the figures, one sheet per area, in Chinese; term names
// a repair category.
func (out *ReportOut) sheets(term func(string) string) []reportSheet {
	m, meals, r := out.Meetings, out.Meals, out.Repairs
	food := reportSheet{name: "食堂", title: "每月报餐人次", header: []string{"月份", "报餐人次", "工作日", "日均报餐人次"}, valueCol: 2}
	for _, mm := range meals.Months {
		food.rows = append(food.rows, []any{mm.Month, mm.Registrations, mm.WorkingDays, mm.PerWorkingDay})
	}
	food.charted = max(1, len(food.rows))
	food.rows = append(food.rows, []any{"合计", meals.Registrations, meals.WorkingDays, meals.PerWorkingDay},
		[]any{"供应菜品种数", meals.Dishes}, []any{"菜品供应次数", meals.DishServings})
	fix := reportSheet{name: "报修", title: "各类报修数量",
		header: []string{"类别", "报修数", "已解决", "响应时间中位数(分钟)", "解决时间中位数(分钟)"}, valueCol: 2}
	for _, c := range r.Categories {
		fix.rows = append(fix.rows, []any{term(string(c.Category)), c.Total, c.Resolved, c.MedianResponseMinutes, c.MedianResolutionMinutes})
	}
	fix.charted = max(1, len(fix.rows))
	fix.rows = append(fix.rows, []any{"合计", r.Total, r.Resolved, r.MedianResponseMinutes, r.MedianResolutionMinutes},
		[]any{"回访率", r.CallbackRate}, []any{"评价数", r.Rated}, []any{"平均满意度(1-5)", r.Satisfaction})
	ins, cm, sh := out.Inspections, out.Complaints, out.Shuttle
	return []reportSheet{
		indicators("会务", "会议服务", []any{"召开会议", m.Hosted}, []any{fmt.Sprintf("大型会议(%d人及以上)", out.LargeMeetingMinimum), m.Large},
			[]any{"参会人次", m.Attendees}),
		food, fix,
		indicators("督查", "督查与整改", []any{"督查次数", ins.Held}, []any{"发现问题", ins.ProblemsFound},
			[]any{"已整改", ins.ProblemsFixed}, []any{"已复核", ins.Verified}),
		indicators("投诉建议", "投诉与建议", []any{"收到", cm.Received}, []any{"投诉", cm.Complaints}, []any{"建议", cm.Suggestions},
			[]any{"加急", cm.Urgent}, []any{"已答复", cm.Answered}, []any{"按时答复", cm.AnsweredInTime}),
		indicators("信息发布", "信息发布", []any{"发布公告", out.Announcements.Published}),
		{name: "班车", title: "班车运行", header: []string{"指标", "数值"}, valueCol: 2, charted: 3,
			rows: [][]any{{"运行班次", sh.TripsRun}, {fmt.Sprintf("准点班次(晚点不超过%d分钟)", out.OnTimeDelayMinutes), sh.OnTime},
				{"取消班次", sh.Cancelled}, {"准点率", sh.OnTimeShare}}},
	}
}

// workbook writes the sheets, each with its chart beside the table.
func workbook(sheets []reportSheet) (*excelize.File, error) {
	f := excelize.NewFile()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), s.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return nil, err
		}
		if err := f.SetSheetRow(s.name, "A1", &s.header); err != nil {
			return nil, err
		}
		for j, row := range s.rows {
			if err := f.SetSheetRow(s.name, fmt.Sprintf("A%d", j+2), &row); err != nil {
				return nil, err
			}
		}
		col, _ := excelize.ColumnNumberToName(s.valueCol)
		ref := func(c string) string { return fmt.Sprintf("'%s'!$%s$2:$%s$%d", s.name, c, c, s.charted+1) }
		chart := &excelize.Chart{Type: excelize.Col, Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: s.title}}},
			Series: []excelize.ChartSeries{{Name: fmt.Sprintf("'%s'!$%s$1", s.name, col), Categories: ref("A"), Values: ref(col)}},
			Legend: excelize.ChartLegend{Position: "none"}}
		last, _ := excelize.ColumnNumberToName(len(s.header) + 2)
		if err := f.AddChart(s.name, last+"2", chart); err != nil {
			return nil, err
		}
		if err := f.SetColWidth(s.name, "A", "A", 28); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// sendWorkbook answers with the report as an .xlsx attachment.
func (h *Report) sendWorkbook(c *fiber.Ctx, out *ReportOut) error {
	f, err := workbook(out.sheets(h.Term))
	if err != nil {
		return err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, XLSXType)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="houqin-report-%s_%s.xlsx"`, out.From, out.To))
	return c.Send(buf.Bytes())
}
