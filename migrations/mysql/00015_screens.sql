-- +goose Up
-- Lobby screens (models/screen): each reads its page with a token an admin
-- issued; only the token's hash is kept.
CREATE TABLE screens (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    name         VARCHAR(100) NOT NULL,
    token_hash   CHAR(64) NOT NULL,
    created_by   BIGINT NOT NULL,
    created_at   DATETIME(3) NOT NULL,
    revoked_at   DATETIME(3) NULL,
    last_seen_at DATETIME(3) NULL,
    UNIQUE KEY uq_screens_token_hash (token_hash),
    CONSTRAINT fk_screens_created_by FOREIGN KEY (created_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE screens;
