-- +goose Up
CREATE TABLE announcements (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    pinned     NUMERIC NOT NULL DEFAULT 0,
    author_id  INTEGER NOT NULL,
    pushed_at  DATETIME,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX idx_announcements_pinned ON announcements (pinned, id);

-- +goose Down
DROP TABLE announcements;
