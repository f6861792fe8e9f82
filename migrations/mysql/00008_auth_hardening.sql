-- +goose Up
-- A user's token generation: raised when their password is reset or they
-- are deactivated, it retires every access token issued before.
ALTER TABLE users ADD COLUMN token_gen BIGINT NOT NULL DEFAULT 0;
-- A push token is registered per user: registering a token another user
-- holds no longer takes it from them.
ALTER TABLE devices DROP KEY idx_devices_token, ADD UNIQUE KEY idx_devices_user_token (user_id, token);
-- One person's photo uploads of the last day are counted (fair use).
ALTER TABLE repair_photos ADD KEY idx_repair_photos_uploader (uploader_id, created_at);

-- +goose Down
ALTER TABLE repair_photos DROP KEY idx_repair_photos_uploader;
ALTER TABLE devices DROP KEY idx_devices_user_token, ADD UNIQUE KEY idx_devices_token (token);
ALTER TABLE users DROP COLUMN token_gen;
