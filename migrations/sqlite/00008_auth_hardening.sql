-- +goose Up
-- A user's token generation: raised when their password is reset or they
-- are deactivated, it retires every access token issued before.
ALTER TABLE users ADD COLUMN token_gen INTEGER NOT NULL DEFAULT 0;
-- A push token is registered per user: registering a token another user
-- holds no longer takes it from them.
DROP INDEX idx_devices_token;
CREATE UNIQUE INDEX idx_devices_user_token ON devices (user_id, token);
-- One person's photo uploads of the last day are counted (fair use).
CREATE INDEX idx_repair_photos_uploader ON repair_photos (uploader_id, created_at);

-- +goose Down
DROP INDEX idx_repair_photos_uploader;
DROP INDEX idx_devices_user_token;
CREATE UNIQUE INDEX idx_devices_token ON devices (token);
ALTER TABLE users DROP COLUMN token_gen;
