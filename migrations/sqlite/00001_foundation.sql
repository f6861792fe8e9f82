-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    username      TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    department    TEXT NOT NULL DEFAULT '',
    roles         TEXT NOT NULL DEFAULT 'staff',
    active        NUMERIC NOT NULL DEFAULT 1,
    password_hash TEXT NOT NULL,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_users_username ON users (username);

CREATE TABLE refresh_tokens (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id  TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    revoked_at DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX idx_refresh_tokens_user_id ON refresh_tokens (user_id);
CREATE INDEX idx_refresh_tokens_family_id ON refresh_tokens (family_id);
CREATE UNIQUE INDEX idx_refresh_tokens_token_hash ON refresh_tokens (token_hash);

CREATE TABLE idempotency_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    body         BLOB,
    created_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_idempotency_user_key ON idempotency_keys (user_id, key);
CREATE INDEX idx_idempotency_keys_created_at ON idempotency_keys (created_at);

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category   TEXT NOT NULL,
    type       TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL DEFAULT '',
    data       TEXT,
    read_at    DATETIME,
    created_at DATETIME NOT NULL
);
CREATE INDEX idx_notifications_user ON notifications (user_id, id);

CREATE TABLE devices (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token        TEXT NOT NULL,
    platform     TEXT NOT NULL,
    app_version  TEXT NOT NULL DEFAULT '',
    locale       TEXT NOT NULL DEFAULT '',
    last_seen_at DATETIME NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX idx_devices_user_id ON devices (user_id);
CREATE UNIQUE INDEX idx_devices_token ON devices (token);

CREATE TABLE preferences (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    repair       NUMERIC NOT NULL DEFAULT 1,
    booking      NUMERIC NOT NULL DEFAULT 1,
    menu         NUMERIC NOT NULL DEFAULT 1,
    shuttle      NUMERIC NOT NULL DEFAULT 1,
    announcement NUMERIC NOT NULL DEFAULT 1,
    updated_at   DATETIME NOT NULL
);

CREATE TABLE outbox_jobs (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    notification_id INTEGER NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    device_id       INTEGER NOT NULL,
    status          TEXT NOT NULL,
    next_attempt_at DATETIME NOT NULL,
    lease_until     DATETIME,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    high            NUMERIC NOT NULL DEFAULT 0,
    collapse_key    TEXT NOT NULL DEFAULT '',
    ttl_seconds     INTEGER NOT NULL DEFAULT 0,
    sent_at         DATETIME,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE INDEX idx_outbox_jobs_notification_id ON outbox_jobs (notification_id);
CREATE INDEX idx_outbox_jobs_device_id ON outbox_jobs (device_id);
CREATE INDEX idx_outbox_due ON outbox_jobs (status, next_attempt_at);

-- +goose Down
DROP TABLE outbox_jobs;
DROP TABLE preferences;
DROP TABLE devices;
DROP TABLE notifications;
DROP TABLE idempotency_keys;
DROP TABLE refresh_tokens;
DROP TABLE users;
