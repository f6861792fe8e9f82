package web

import (
	"fmt"
	"math"
	"slices"
)

// The statistics pages draw their charts as inline SVG computed here, so
// they need no script and print as they show.

// The charts' drawing units are CSS pixels at their usual size: a bar
// chart fills half the page, the day columns all of it.
const (
	barsWidth    = 480.0
	labelWidth   = 110.0 // left of the bars: the names
	valueWidth   = 70.0  // right of the longest bar: its figure
	rowHeight    = 26
	columnsWidth = 1000.0
	columnArea   = 160.0 // the columns' height at the top value
)

// barChart is a horizontal bar chart: one row a name.
type barChart struct {
	Title         string
	Width, Height float64
	Bars          []hbar
}

type hbar struct {
	Label, Text  string
	Y, TextY     int
	Width, TextX float64
}

// newBarChart scales values to the widest bar; text shows each value.
func newBarChart(title string, labels []string, values []float64, text func(float64) string) barChart {
	c := barChart{Title: title, Width: barsWidth, Height: float64(len(labels) * rowHeight)}
	top := 0.0
	if len(values) > 0 {
		top = slices.Max(values)
	}
	for i, l := range labels {
		w := 0.0
		if top > 0 {
			w = math.Round(values[i]/top*(barsWidth-labelWidth-valueWidth)*10) / 10
		}
		y := i * rowHeight
		c.Bars = append(c.Bars, hbar{Label: l, Text: text(values[i]), Y: y + 4, TextY: y + 18, Width: w, TextX: labelWidth + w + 6})
	}
	return c
}

// columnChart is a column per day with a date label every Step columns.
type columnChart struct {
	Title         string
	Width, Height float64
	Columns       []column
	Top           string // the tallest column's value, on the axis
}

type column struct {
	X, Y, W, H float64
	Label      string // shown under the column when not empty
	Tip        string
}

// newColumnChart draws counts, labelled by label(i) under every step-th
// column.
func newColumnChart(title string, counts []int, label func(i int) string, tip func(i int) string) columnChart {
	c := columnChart{Title: title, Width: columnsWidth, Height: columnArea + 24}
	top := 0
	for _, n := range counts {
		top = max(top, n)
	}
	c.Top = fmt.Sprint(top)
	w := (columnsWidth - 40) / float64(max(len(counts), 1))
	step := max(1, int(math.Ceil(float64(len(counts))/10)))
	for i, n := range counts {
		h := 0.0
		if top > 0 {
			h = math.Round(float64(n)/float64(top)*columnArea*10) / 10
		}
		col := column{X: 40 + float64(i)*w + w*0.1, W: math.Max(w*0.8, 0.5), Y: columnArea - h, H: h, Tip: tip(i)}
		if i%step == 0 {
			col.Label = label(i)
		}
		c.Columns = append(c.Columns, col)
	}
	return c
}
