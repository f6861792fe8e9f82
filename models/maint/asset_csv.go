package maint

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"houqin/models/store"
)

// AssetColumns are the columns of an asset import, named in its header
// row in any order; code, name and kind are required.
var AssetColumns = []string{"code", "name", "kind", "building", "floor", "location", "quantity", "installed_on", "notes"}

// MaxImportRows bounds one import.
const MaxImportRows = 10000

// maxBadLines bounds the problems one refused import reports.
const maxBadLines = 50

// columnLimits are the most characters each text column takes.
var columnLimits = map[string]int{"code": 40, "name": 100, "building": 50, "floor": 20, "location": 100, "notes": 1000}

func lineField(line int, col string) string { return fmt.Sprintf("line %d: %s", line, col) }

// ParseAssets reads a CSV file (UTF-8, an optional byte-order mark, a
// header row) into assets and the line each came from. Every bad row is
// reported, up to maxBadLines, as a field "line N: column".
func ParseAssets(data []byte) ([]AssetInput, []int, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		return nil, nil, store.InvalidField("file", "must be CSV with a header row naming the columns")
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(AssetColumns, h) {
			return nil, nil, store.InvalidField("file", "unknown column %s in the header row", h)
		}
		col[h] = i
	}
	for _, need := range []string{"code", "name", "kind"} {
		if _, ok := col[need]; !ok {
			return nil, nil, store.InvalidField("file", "the header row lacks the column %s", need)
		}
	}
	var (
		rows  []AssetInput
		lines []int
		bad   []store.FieldError
	)
	for len(bad) < maxBadLines {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			bad = append(bad, store.Field(lineField(line, "file"), "is not valid CSV"))
			continue
		}
		if len(rows) == MaxImportRows {
			return nil, nil, store.InvalidField("file", "an import takes at most %d rows", MaxImportRows)
		}
		in, errs := assetRow(rec, col, line)
		if len(errs) > 0 {
			bad = append(bad, errs...)
			continue
		}
		rows, lines = append(rows, in), append(lines, line)
	}
	switch {
	case len(bad) > 0:
		return nil, nil, store.Invalid(bad...)
	case len(rows) == 0:
		return nil, nil, store.InvalidField("file", "has no rows below the header")
	}
	return rows, lines, nil
}

// assetRow reads one record; errs names each bad cell.
func assetRow(rec []string, col map[string]int, line int) (in AssetInput, errs []store.FieldError) {
	cell := func(name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	for name, limit := range columnLimits {
		v := cell(name)
		if !utf8.ValidString(v) {
			errs = append(errs, store.Field(lineField(line, name), "must be UTF-8 text"))
		} else if utf8.RuneCountInString(v) > limit {
			errs = append(errs, store.Field(lineField(line, name), "may be at most %d characters", limit))
		}
	}
	in = AssetInput{Code: cell("code"), Name: cell("name"), Kind: AssetKind(cell("kind")), Building: cell("building"),
		Floor: cell("floor"), Location: cell("location"), Notes: cell("notes"), Quantity: 1}
	if in.Code == "" {
		errs = append(errs, store.Field(lineField(line, "code"), "is required"))
	} else if !ValidCode(in.Code) {
		errs = append(errs, store.Field(lineField(line, "code"), "may hold only letters, digits, '-', '_' and '.'"))
	}
	if in.Name == "" {
		errs = append(errs, store.Field(lineField(line, "name"), "is required"))
	}
	if !slices.Contains(AssetKinds, in.Kind) {
		errs = append(errs, store.Field(lineField(line, "kind"), "must be one of: %s", strings.Join(in.Kind.Enum(), ", ")))
	}
	if q := cell("quantity"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 100000 {
			errs = append(errs, store.Field(lineField(line, "quantity"), "must be a whole number from 1 to 100000"))
		}
		in.Quantity = n
	}
	if d := cell("installed_on"); d != "" {
		v, err := store.ParseDate(d)
		if err != nil {
			errs = append(errs, store.Field(lineField(line, "installed_on"), "must be a date YYYY-MM-DD"))
		}
		in.InstalledOn = &v
	}
	slices.SortFunc(errs, func(a, b store.FieldError) int { return strings.Compare(a.Field, b.Field) })
	return in, errs
}

// ValidCode reports whether code fits a QR label and a URL as it is:
// ASCII letters, digits, '-', '_' and '.'.
func ValidCode(code string) bool {
	return code != "" && !strings.ContainsFunc(code, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
	})
}
