-- +goose Up
CREATE TABLE repair_targets (
    priority           TEXT PRIMARY KEY,
    response_minutes   INTEGER NOT NULL,
    resolution_minutes INTEGER NOT NULL,
    updated_at         DATETIME NOT NULL
);
INSERT INTO repair_targets (priority, response_minutes, resolution_minutes, updated_at) VALUES
    ('urgent', 30, 240, CURRENT_TIMESTAMP),
    ('normal', 120, 1440, CURRENT_TIMESTAMP),
    ('low', 480, 4320, CURRENT_TIMESTAMP);

CREATE TABLE repair_counters (
    day TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
);

CREATE TABLE repairs (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket              TEXT NOT NULL,
    requester_id        INTEGER NOT NULL REFERENCES users (id),
    entered_by_id       INTEGER NOT NULL REFERENCES users (id),
    category            TEXT NOT NULL,
    priority            TEXT NOT NULL,
    location            TEXT NOT NULL,
    description         TEXT NOT NULL,
    contact_phone       TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL,
    technician_id       INTEGER REFERENCES users (id),
    respond_by          DATETIME NOT NULL,
    due_at              DATETIME NOT NULL,
    deadline_at         DATETIME,
    overdue_notified_at DATETIME,
    missed_deadlines    INTEGER NOT NULL DEFAULT 0,
    first_assigned_at   DATETIME,
    started_at          DATETIME,
    resolved_at         DATETIME,
    closed_at           DATETIME,
    resolution_note     TEXT NOT NULL DEFAULT '',
    attitude            INTEGER NOT NULL DEFAULT 0,
    quality             INTEGER NOT NULL DEFAULT 0,
    cleanliness         INTEGER NOT NULL DEFAULT 0,
    feedback_comment    TEXT NOT NULL DEFAULT '',
    feedback_source     TEXT NOT NULL DEFAULT '',
    photo_count         INTEGER NOT NULL DEFAULT 0,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_repairs_ticket ON repairs (ticket);
-- List queries page by id within one filter: each index ends with id.
CREATE INDEX idx_repairs_requester ON repairs (requester_id, id);
CREATE INDEX idx_repairs_technician ON repairs (technician_id, id);
CREATE INDEX idx_repairs_status ON repairs (status, id);
CREATE INDEX idx_repairs_category ON repairs (category, id);
CREATE INDEX idx_repairs_deadline ON repairs (deadline_at);
CREATE INDEX idx_repairs_created ON repairs (created_at);
CREATE INDEX idx_repairs_entered_by_id ON repairs (entered_by_id);

CREATE TABLE repair_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    repair_id     INTEGER NOT NULL REFERENCES repairs (id) ON DELETE CASCADE,
    actor_id      INTEGER NOT NULL,
    action        TEXT NOT NULL,
    from_status   TEXT NOT NULL DEFAULT '',
    to_status     TEXT NOT NULL,
    technician_id INTEGER,
    note          TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL
);
CREATE INDEX idx_repair_events_repair ON repair_events (repair_id, id);

CREATE TABLE repair_photos (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    repair_id    INTEGER NOT NULL REFERENCES repairs (id) ON DELETE CASCADE,
    uploader_id  INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    storage_key  TEXT NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX idx_repair_photos_repair ON repair_photos (repair_id);

-- +goose Down
DROP TABLE repair_photos;
DROP TABLE repair_events;
DROP TABLE repairs;
DROP TABLE repair_counters;
DROP TABLE repair_targets;
