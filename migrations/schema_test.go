package migrations_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"houqin/api/apitest"
	"houqin/models/announce"
	"houqin/models/assess"
	"houqin/models/canteen"
	"houqin/models/complaint"
	"houqin/models/inspect"
	"houqin/models/maint"
	"houqin/models/meeting"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/repair"
	"houqin/models/screen"
	"houqin/models/shuttle"
	"houqin/models/stock"
	"houqin/models/store"
	"houqin/models/team"
)

// models lists every GORM model stored by the migrations. A domain adds its
// models here; TestEveryTableHasAModel fails until it does.
var models = []any{
	&people.User{}, &people.RefreshToken{}, &people.WorkAccount{}, &store.IdempotencyKey{},
	&notify.Notification{}, &notify.Device{}, &notify.Preferences{}, &notify.OutboxJob{}, &notify.Setting{},
	&repair.Repair{}, &repair.RepairEvent{}, &repair.RepairPhoto{}, &repair.RepairTarget{}, &repair.RepairCounter{},
	&shuttle.ShuttleRoute{}, &shuttle.ShuttleStop{}, &shuttle.ShuttleSchedule{}, &shuttle.ShuttleCalendarDay{},
	&shuttle.ShuttleTrip{}, &shuttle.ShuttlePosition{}, &shuttle.ShuttleRouteFollow{}, &shuttle.ShuttleStopFollow{},
	&shuttle.ShuttleStopAlert{},
	&meeting.Room{}, &meeting.Booking{}, &meeting.BookingSeries{}, &meeting.CalendarFeed{},
	&canteen.Canteen{}, &canteen.Dish{}, &canteen.Menu{}, &canteen.MenuItem{}, &canteen.MenuAnnouncement{},
	&canteen.DishRating{}, &canteen.MealRegistration{},
	&announce.Announcement{},
	&stock.Item{}, &stock.Move{},
	&maint.Asset{}, &maint.Plan{}, &maint.WorkOrder{}, &maint.Photo{},
	&team.Team{}, &team.Member{}, &team.Area{},
	&inspect.Inspection{}, &inspect.Problem{}, &inspect.Photo{}, &complaint.Complaint{}, &complaint.Photo{},
	&assess.Weight{}, &assess.Result{},
	&screen.Screen{},
}

// databases returns a migrated SQLite database and, when
// HOUQIN_TEST_MYSQL_DSN is set, a migrated MySQL one, by dialect.
func databases(t *testing.T) map[string]*gorm.DB {
	migrated := func(dsn string) *gorm.DB { return apitest.Migrated(t, dsn, time.UTC).Read(context.Background()) }
	dbs := map[string]*gorm.DB{"sqlite": migrated("sqlite:" + filepath.Join(t.TempDir(), "houqin.db"))}
	if dsn, ok := apitest.FreshMySQL(t); ok {
		dbs["mysql"] = migrated(dsn)
	}
	return dbs
}

// TestSchemaMatchesModels guards against drift between the hand-written SQL
// migrations and the GORM models: every model column must exist, in both
// dialects.
func TestSchemaMatchesModels(t *testing.T) {
	for dialect, db := range databases(t) {
		for _, m := range models {
			stmt := &gorm.Statement{DB: db}
			if err := stmt.Parse(m); err != nil {
				t.Fatal(err)
			}
			table := stmt.Schema.Table
			if !db.Migrator().HasTable(m) {
				t.Errorf("%s: no table %s", dialect, table)
				continue
			}
			cols, err := db.Migrator().ColumnTypes(m)
			if err != nil {
				t.Fatalf("%s: %s: %v", dialect, table, err)
			}
			have := map[string]bool{}
			for _, c := range cols {
				have[c.Name()] = true
			}
			for _, f := range stmt.Schema.Fields {
				if f.DBName != "" && !have[f.DBName] {
					t.Errorf("%s: table %s has no column %s (field %s.%s)", dialect, table, f.DBName, stmt.Schema.Name, f.Name)
				}
			}
		}
	}
}

// TestDialectsAgree compares the migrated SQLite and MySQL schemas: the
// same tables, columns, column kinds, nullability, indexes and unique keys.
// The two migration folders are twins written by hand; this catches a change
// made to one and not the other.
func TestDialectsAgree(t *testing.T) {
	dbs := databases(t)
	if dbs["mysql"] == nil {
		t.Skip("HOUQIN_TEST_MYSQL_DSN is unset: nothing to compare SQLite with")
	}
	lite, my := describe(t, dbs["sqlite"]), describe(t, dbs["mysql"])
	for _, k := range slices.Sorted(maps.Keys(lite)) {
		if my[k] != lite[k] {
			t.Errorf("%s: sqlite %q, mysql %q", k, lite[k], my[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(my)) {
		if _, ok := lite[k]; !ok {
			t.Errorf("%s: sqlite %q, mysql %q", k, "", my[k])
		}
	}
}

// describe flattens a schema to comparable facts: "table.column" → kind and
// nullability, "table primary key" → its columns, "table index name" → its
// columns and uniqueness. It reads the catalogue directly: the drivers'
// ColumnTypes misreport composite keys on SQLite.
func describe(t *testing.T, db *gorm.DB) map[string]string {
	t.Helper()
	tables, err := db.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	mysql := db.Dialector.Name() == "mysql"
	columnsSQL := `SELECT name, type, "notnull" = 1 AS not_null, pk FROM pragma_table_info(?) ORDER BY cid`
	if mysql {
		columnsSQL = `SELECT column_name AS name, column_type AS type, is_nullable = 'NO' AS not_null,
			CASE WHEN column_key = 'PRI' THEN 1 ELSE 0 END AS pk FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position`
	}
	out := map[string]string{}
	for _, table := range tables {
		if table == "goose_db_version" || strings.HasPrefix(table, "sqlite_") {
			continue
		}
		var cols []struct {
			Name, Type string
			NotNull    bool
			PK         int
		}
		if err := db.Raw(columnsSQL, table).Scan(&cols).Error; err != nil {
			t.Fatal(err)
		}
		var pk []string
		for _, c := range cols {
			if c.PK > 0 {
				pk = append(pk, c.Name)
				continue
			}
			out[table+"."+c.Name] = fmt.Sprintf("%s not null=%t", kind(c.Type), c.NotNull)
		}
		out[table+" primary key"] = strings.Join(pk, ", ")
		idx, err := db.Migrator().GetIndexes(table)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range idx {
			if primary, _ := i.PrimaryKey(); primary || strings.HasPrefix(i.Name(), "sqlite_autoindex") {
				continue
			}
			// InnoDB adds an index for a foreign key that has none, named after
			// the constraint; SQLite needs none to check the key.
			if mysql && strings.HasPrefix(i.Name(), "fk_") {
				continue
			}
			unique, _ := i.Unique()
			out[table+" index "+i.Name()] = fmt.Sprintf("(%s) unique=%t", strings.Join(i.Columns(), ", "), unique)
		}
	}
	return out
}

// kind is what matters of a declared type across dialects, in SQLite's
// terms: MySQL's BIGINT and SQLite's INTEGER hold the same values, and
// SQLite keeps dates as TEXT and booleans as NUMERIC; a TEXT where the twin
// has a DATETIME does not match.
func kind(declared string) string {
	t := strings.ToLower(declared)
	switch {
	case t == "numeric" || t == "boolean" || strings.HasPrefix(t, "tinyint(1)"):
		return "bool"
	case strings.Contains(t, "int"):
		return "integer"
	case strings.Contains(t, "char") || strings.Contains(t, "text") || t == "json" || t == "date":
		return "text"
	case strings.HasPrefix(t, "datetime") || strings.HasPrefix(t, "timestamp"):
		return "time"
	case t == "real" || strings.HasPrefix(t, "double") || strings.HasPrefix(t, "float") || strings.HasPrefix(t, "decimal"):
		return "real"
	case strings.Contains(t, "blob") || strings.Contains(t, "binary"):
		return "bytes"
	}
	return t
}

// TestEveryTableHasAModel fails when a migration adds a table that models
// does not list, so TestSchemaMatchesModels covers every table.
func TestEveryTableHasAModel(t *testing.T) {
	db := databases(t)["sqlite"]
	listed := map[string]bool{}
	for _, m := range models {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(m); err != nil {
			t.Fatal(err)
		}
		listed[stmt.Schema.Table] = true
	}
	tables, err := db.Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		if !listed[table] && table != "goose_db_version" && !strings.HasPrefix(table, "sqlite_") {
			t.Errorf("table %s has no model in models", table)
		}
	}
}
