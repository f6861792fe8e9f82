-- +goose Up
CREATE TABLE rooms (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    name              TEXT NOT NULL,
    building          TEXT NOT NULL DEFAULT '',
    floor             INTEGER NOT NULL DEFAULT 0,
    capacity          INTEGER NOT NULL,
    equipment         TEXT NOT NULL DEFAULT '[]',
    photo_url         TEXT NOT NULL DEFAULT '',
    requires_approval NUMERIC NOT NULL DEFAULT 0,
    requires_check_in NUMERIC NOT NULL DEFAULT 0,
    open_from         TEXT NOT NULL DEFAULT '08:00',
    open_to           TEXT NOT NULL DEFAULT '21:00',
    horizon_days      INTEGER NOT NULL DEFAULT 90,
    active            NUMERIC NOT NULL DEFAULT 1,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_rooms_name ON rooms (name);

CREATE TABLE booking_series (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    organizer_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    room_id      INTEGER NOT NULL REFERENCES rooms (id),
    frequency    TEXT NOT NULL,
    last_date    DATE NOT NULL,
    occurrences  INTEGER NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX idx_booking_series_organizer ON booking_series (organizer_id);

CREATE TABLE bookings (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id           INTEGER NOT NULL REFERENCES rooms (id),
    organizer_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    series_id         INTEGER REFERENCES booking_series (id),
    title             TEXT NOT NULL,
    start_at          DATETIME NOT NULL,
    end_at            DATETIME NOT NULL,
    attendees         INTEGER NOT NULL,
    services          TEXT NOT NULL DEFAULT '[]',
    note              TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    reason            TEXT NOT NULL DEFAULT '',
    check_in_required NUMERIC NOT NULL DEFAULT 0,
    checked_in_at     DATETIME,
    reminded_at       DATETIME,
    decided_by        INTEGER,
    created_at        DATETIME NOT NULL,
    updated_at        DATETIME NOT NULL
);
CREATE INDEX idx_bookings_room_start ON bookings (room_id, start_at);
CREATE INDEX idx_bookings_start ON bookings (start_at);
CREATE INDEX idx_bookings_status_start ON bookings (status, start_at);
CREATE INDEX idx_bookings_organizer ON bookings (organizer_id);
CREATE INDEX idx_bookings_series ON bookings (series_id);

CREATE TABLE calendar_feeds (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_calendar_feeds_token ON calendar_feeds (token_hash);

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE bookings;
DROP TABLE booking_series;
DROP TABLE rooms;
