-- +goose Up
-- A user's account on a work platform (企业微信/政务微信: wecom; 钉钉/政务钉钉:
-- dingtalk): the platform's userid their work notifications go to, and
-- whether the platform last called it invalid.
CREATE TABLE work_accounts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    platform   TEXT NOT NULL,
    account_id TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'ok',
    source     TEXT NOT NULL DEFAULT 'admin',
    last_error TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_work_accounts_user ON work_accounts (user_id, platform);
CREATE UNIQUE INDEX idx_work_accounts_account ON work_accounts (platform, account_id);

-- Settings an admin changes at run time, one value per name.
CREATE TABLE settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at DATETIME NOT NULL
);

-- A work-platform push waits for the same notice's app pushes of its user
-- and goes only when none of them was accepted (routing "no_app_device").
ALTER TABLE outbox_jobs ADD COLUMN after_devices NUMERIC NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE outbox_jobs DROP COLUMN after_devices;
DROP TABLE settings;
DROP TABLE work_accounts;
