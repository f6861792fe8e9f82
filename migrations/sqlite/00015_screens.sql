-- +goose Up
-- Lobby screens (models/screen): each reads its page with a token an admin
-- issued; only the token's hash is kept.
CREATE TABLE screens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   DATETIME NOT NULL,
    revoked_at   DATETIME,
    last_seen_at DATETIME
);
CREATE UNIQUE INDEX uq_screens_token_hash ON screens (token_hash);

-- +goose Down
DROP TABLE screens;
