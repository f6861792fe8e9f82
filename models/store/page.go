package store

import (
	"encoding/base64"
	"strconv"

	"gorm.io/gorm"
)

// Page is a keyset page request: up to Limit rows older than the cursor.
type Page struct {
	Limit  int
	Cursor string
}

const (
	DefaultPageLimit = 20
	MaxPageLimit     = 100
)

// EncodeCursor makes the opaque cursor that follows the row with this id.
func EncodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

// DecodeCursor reads a cursor made by EncodeCursor.
func DecodeCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		var id int64
		if id, err = strconv.ParseInt(string(b), 10, 64); err == nil && id > 0 {
			return id, nil
		}
	}
	return 0, InvalidField("cursor", "is not a cursor this API returned")
}

// Paginate runs q newest first (by id) from p's cursor and returns the rows
// and the cursor of the next page ("" on the last page).
func Paginate[T any](q *gorm.DB, p Page, idOf func(T) int64) ([]T, string, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultPageLimit
	}
	limit = min(limit, MaxPageLimit)
	stmt := &gorm.Statement{DB: q}
	if err := stmt.Parse(new(T)); err != nil {
		return nil, "", err
	}
	id := stmt.Schema.Table + ".id"
	if p.Cursor != "" {
		after, err := DecodeCursor(p.Cursor)
		if err != nil {
			return nil, "", err
		}
		q = q.Where(id+" < ?", after)
	}
	rows := make([]T, 0, limit+1)
	if err := q.Order(id + " DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = EncodeCursor(idOf(rows[limit-1]))
	}
	return rows, next, nil
}
