package migrations_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"gorm.io/gorm"

	"houqin/api/apitest"
	"houqin/migrations"
	"houqin/models/announce"
	"houqin/models/canteen"
	"houqin/models/meeting"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/repair"
	"houqin/models/shuttle"
	"houqin/models/store"
)

// models lists every GORM model stored by the migrations. A domain adds its
// models here; TestEveryTableHasAModel fails until it does.
var models = []any{
	&people.User{}, &people.RefreshToken{}, &store.IdempotencyKey{},
	&notify.Notification{}, &notify.Device{}, &notify.Preferences{}, &notify.OutboxJob{},
	&repair.Repair{}, &repair.RepairEvent{}, &repair.RepairPhoto{}, &repair.RepairTarget{}, &repair.RepairCounter{},
	&shuttle.ShuttleRoute{}, &shuttle.ShuttleStop{}, &shuttle.ShuttleSchedule{}, &shuttle.ShuttleCalendarDay{},
	&shuttle.ShuttleTrip{}, &shuttle.ShuttlePosition{}, &shuttle.ShuttleRouteFollow{}, &shuttle.ShuttleStopFollow{},
	&shuttle.ShuttleStopAlert{},
	&meeting.Room{}, &meeting.Booking{}, &meeting.BookingSeries{}, &meeting.CalendarFeed{},
	&canteen.Canteen{}, &canteen.Dish{}, &canteen.Menu{}, &canteen.MenuItem{}, &canteen.MenuAnnouncement{},
	&canteen.DishRating{}, &canteen.MealRegistration{},
	&announce.Announcement{},
}

// migrated opens a fresh database migrated to the latest version.
func migrated(t *testing.T, dsn string) *gorm.DB {
	t.Helper()
	st, err := store.Open(dsn, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := migrations.Up(context.Background(), st.SQL(), string(st.Dialect)); err != nil {
		t.Fatal(err)
	}
	return st.Read(context.Background())
}

// databases returns a migrated SQLite database and, when
// HOUQIN_TEST_MYSQL_DSN is set, a migrated MySQL one, by dialect.
func databases(t *testing.T) map[string]*gorm.DB {
	dbs := map[string]*gorm.DB{"sqlite": migrated(t, "sqlite:"+filepath.Join(t.TempDir(), "houqin.db"))}
	if dsn, ok := apitest.FreshMySQL(t); ok {
		dbs["mysql"] = migrated(t, dsn)
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
