-- +goose Up
-- A user's account on a work platform (企业微信/政务微信: wecom; 钉钉/政务钉钉:
-- dingtalk): the platform's userid their work notifications go to, and
-- whether the platform last called it invalid.
CREATE TABLE work_accounts (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    platform   VARCHAR(10) NOT NULL,
    account_id VARCHAR(64) NOT NULL,
    status     VARCHAR(10) NOT NULL DEFAULT 'ok',
    source     VARCHAR(10) NOT NULL DEFAULT 'admin',
    last_error VARCHAR(200) NOT NULL DEFAULT '',
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    UNIQUE KEY idx_work_accounts_user (user_id, platform),
    UNIQUE KEY idx_work_accounts_account (platform, account_id),
    CONSTRAINT fk_work_accounts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Settings an admin changes at run time, one value per name.
CREATE TABLE settings (
    name       VARCHAR(50) PRIMARY KEY,
    value      VARCHAR(200) NOT NULL,
    updated_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A work-platform push waits for the same notice's app pushes of its user
-- and goes only when none of them was accepted (routing "no_app_device").
ALTER TABLE outbox_jobs ADD COLUMN after_devices BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE outbox_jobs DROP COLUMN after_devices;
DROP TABLE settings;
DROP TABLE work_accounts;
