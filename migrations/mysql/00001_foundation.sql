-- +goose Up
CREATE TABLE users (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    username      VARCHAR(64) NOT NULL,
    name          VARCHAR(100) NOT NULL DEFAULT '',
    phone         VARCHAR(32) NOT NULL DEFAULT '',
    department    VARCHAR(100) NOT NULL DEFAULT '',
    roles         VARCHAR(200) NOT NULL DEFAULT 'staff',
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash VARCHAR(200) NOT NULL,
    created_at    DATETIME(3) NOT NULL,
    updated_at    DATETIME(3) NOT NULL,
    UNIQUE KEY idx_users_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE refresh_tokens (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    family_id  VARCHAR(32) NOT NULL,
    token_hash CHAR(64) NOT NULL,
    expires_at DATETIME(3) NOT NULL,
    used_at    DATETIME(3) NULL,
    revoked_at DATETIME(3) NULL,
    created_at DATETIME(3) NOT NULL,
    KEY idx_refresh_tokens_user_id (user_id),
    KEY idx_refresh_tokens_family_id (family_id),
    UNIQUE KEY idx_refresh_tokens_token_hash (token_hash),
    CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE idempotency_keys (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id      BIGINT NOT NULL,
    `key`        VARCHAR(200) NOT NULL,
    request_hash CHAR(64) NOT NULL,
    status       INT NOT NULL DEFAULT 0,
    content_type VARCHAR(100) NOT NULL DEFAULT '',
    body         MEDIUMBLOB NULL,
    created_at   DATETIME(3) NOT NULL,
    UNIQUE KEY idx_idempotency_user_key (user_id, `key`),
    KEY idx_idempotency_keys_created_at (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE notifications (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    category   VARCHAR(20) NOT NULL,
    type       VARCHAR(50) NOT NULL,
    title      VARCHAR(200) NOT NULL,
    body       VARCHAR(1000) NOT NULL DEFAULT '',
    data       TEXT NULL,
    read_at    DATETIME(3) NULL,
    created_at DATETIME(3) NOT NULL,
    KEY idx_notifications_user (user_id, id),
    CONSTRAINT fk_notifications_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE devices (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    user_id      BIGINT NOT NULL,
    token        VARCHAR(255) NOT NULL,
    platform     VARCHAR(10) NOT NULL,
    app_version  VARCHAR(32) NOT NULL DEFAULT '',
    locale       VARCHAR(16) NOT NULL DEFAULT '',
    last_seen_at DATETIME(3) NOT NULL,
    created_at   DATETIME(3) NOT NULL,
    KEY idx_devices_user_id (user_id),
    UNIQUE KEY idx_devices_token (token),
    CONSTRAINT fk_devices_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE preferences (
    user_id      BIGINT PRIMARY KEY,
    repair       BOOLEAN NOT NULL DEFAULT TRUE,
    booking      BOOLEAN NOT NULL DEFAULT TRUE,
    menu         BOOLEAN NOT NULL DEFAULT TRUE,
    shuttle      BOOLEAN NOT NULL DEFAULT TRUE,
    announcement BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at   DATETIME(3) NOT NULL,
    CONSTRAINT fk_preferences_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE outbox_jobs (
    id              BIGINT AUTO_INCREMENT PRIMARY KEY,
    notification_id BIGINT NOT NULL,
    device_id       BIGINT NOT NULL,
    status          VARCHAR(10) NOT NULL,
    next_attempt_at DATETIME(3) NOT NULL,
    lease_until     DATETIME(3) NULL,
    attempts        INT NOT NULL DEFAULT 0,
    last_error      VARCHAR(500) NOT NULL DEFAULT '',
    high            BOOLEAN NOT NULL DEFAULT FALSE,
    collapse_key    VARCHAR(100) NOT NULL DEFAULT '',
    ttl_seconds     INT NOT NULL DEFAULT 0,
    sent_at         DATETIME(3) NULL,
    created_at      DATETIME(3) NOT NULL,
    updated_at      DATETIME(3) NOT NULL,
    KEY idx_outbox_jobs_notification_id (notification_id),
    KEY idx_outbox_jobs_device_id (device_id),
    KEY idx_outbox_due (status, next_attempt_at),
    CONSTRAINT fk_outbox_jobs_notification FOREIGN KEY (notification_id) REFERENCES notifications (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE outbox_jobs;
DROP TABLE preferences;
DROP TABLE devices;
DROP TABLE notifications;
DROP TABLE idempotency_keys;
DROP TABLE refresh_tokens;
DROP TABLE users;
