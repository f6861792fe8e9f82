-- +goose Up
CREATE TABLE announcements (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    title      VARCHAR(200) NOT NULL,
    body       TEXT NOT NULL,
    pinned     BOOLEAN NOT NULL DEFAULT FALSE,
    author_id  BIGINT NOT NULL,
    pushed_at  DATETIME(3) NULL,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    KEY idx_announcements_pinned (pinned, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE announcements;
