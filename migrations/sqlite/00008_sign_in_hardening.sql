-- +goose Up
-- A user's token generation: raised when their password is reset or they
-- are deactivated, it retires every access token issued before.
ALTER TABLE users ADD COLUMN token_gen INTEGER NOT NULL DEFAULT 0;
-- A push token is registered per user: registering a token another user
-- holds no longer takes it from them.
DROP INDEX idx_devices_token;
CREATE UNIQUE INDEX idx_devices_user_token ON devices (user_id, token);

-- +goose Down
DROP INDEX idx_devices_user_token;
CREATE UNIQUE INDEX idx_devices_token ON devices (token);
ALTER TABLE users DROP COLUMN token_gen;
