-- +goose Up
CREATE TABLE shuttle_routes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    color      TEXT NOT NULL DEFAULT '',
    active     NUMERIC NOT NULL DEFAULT 1,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_shuttle_routes_name ON shuttle_routes (name);
CREATE INDEX idx_shuttle_routes_active ON shuttle_routes (active);

CREATE TABLE shuttle_stops (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    route_id   INTEGER NOT NULL REFERENCES shuttle_routes (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    name       TEXT NOT NULL,
    lat        REAL NOT NULL,
    lng        REAL NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_shuttle_stops_route_seq ON shuttle_stops (route_id, seq);

CREATE TABLE shuttle_schedules (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    route_id         INTEGER NOT NULL REFERENCES shuttle_routes (id) ON DELETE CASCADE,
    departure_minute INTEGER NOT NULL,
    stop_minutes     TEXT NOT NULL,
    weekdays         INTEGER NOT NULL,
    vehicle_plate    TEXT NOT NULL DEFAULT '',
    vehicle_seats    INTEGER NOT NULL DEFAULT 0,
    driver_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    active           NUMERIC NOT NULL DEFAULT 1,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE INDEX idx_shuttle_schedules_route ON shuttle_schedules (route_id);

CREATE TABLE shuttle_calendar_days (
    date       TEXT PRIMARY KEY,
    no_service NUMERIC NOT NULL DEFAULT 0,
    runs_as    INTEGER NOT NULL DEFAULT 0,
    note       TEXT NOT NULL DEFAULT '',
    updated_at DATETIME NOT NULL
);

CREATE TABLE shuttle_trips (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    schedule_id      INTEGER NOT NULL REFERENCES shuttle_schedules (id) ON DELETE CASCADE,
    service_date     TEXT NOT NULL,
    route_id         INTEGER NOT NULL REFERENCES shuttle_routes (id) ON DELETE CASCADE,
    departure_at     DATETIME NOT NULL,
    stop_minutes     TEXT NOT NULL,
    driver_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    vehicle_plate    TEXT NOT NULL DEFAULT '',
    vehicle_seats    INTEGER NOT NULL DEFAULT 0,
    status           TEXT NOT NULL,
    delay_minutes    INTEGER NOT NULL DEFAULT 0,
    reason           TEXT NOT NULL DEFAULT '',
    alerted_delay    INTEGER NOT NULL DEFAULT 0,
    departed_at      DATETIME,
    arrived_at       DATETIME,
    last_lat         REAL,
    last_lng         REAL,
    last_speed       REAL,
    last_heading     REAL,
    last_position_at DATETIME,
    created_at       DATETIME NOT NULL,
    updated_at       DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_shuttle_trips_schedule_date ON shuttle_trips (schedule_id, service_date);
CREATE INDEX idx_shuttle_trips_date_route ON shuttle_trips (service_date, route_id);
CREATE INDEX idx_shuttle_trips_driver_date ON shuttle_trips (driver_id, service_date);

CREATE TABLE shuttle_positions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    trip_id     INTEGER NOT NULL REFERENCES shuttle_trips (id) ON DELETE CASCADE,
    recorded_at DATETIME NOT NULL,
    lat         REAL NOT NULL,
    lng         REAL NOT NULL,
    speed       REAL,
    heading     REAL,
    created_at  DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_shuttle_positions_trip_time ON shuttle_positions (trip_id, recorded_at);
CREATE INDEX idx_shuttle_positions_recorded ON shuttle_positions (recorded_at);

CREATE TABLE shuttle_route_follows (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    route_id   INTEGER NOT NULL REFERENCES shuttle_routes (id) ON DELETE CASCADE,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (user_id, route_id)
);
CREATE INDEX idx_shuttle_route_follows_route ON shuttle_route_follows (route_id);

CREATE TABLE shuttle_stop_follows (
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stop_id        INTEGER NOT NULL REFERENCES shuttle_stops (id) ON DELETE CASCADE,
    route_id       INTEGER NOT NULL,
    minutes_before INTEGER NOT NULL,
    created_at     DATETIME NOT NULL,
    updated_at     DATETIME NOT NULL,
    PRIMARY KEY (user_id, stop_id)
);
CREATE INDEX idx_shuttle_stop_follows_route ON shuttle_stop_follows (route_id);

CREATE TABLE shuttle_stop_alerts (
    trip_id    INTEGER NOT NULL REFERENCES shuttle_trips (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    stop_id    INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (trip_id, user_id, stop_id)
);

-- +goose Down
DROP TABLE shuttle_stop_alerts;
DROP TABLE shuttle_stop_follows;
DROP TABLE shuttle_route_follows;
DROP TABLE shuttle_positions;
DROP TABLE shuttle_trips;
DROP TABLE shuttle_calendar_days;
DROP TABLE shuttle_schedules;
DROP TABLE shuttle_stops;
DROP TABLE shuttle_routes;
