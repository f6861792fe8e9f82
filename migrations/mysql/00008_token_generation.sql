-- +goose Up
-- A user's token generation: raised when their password is reset or they
-- are deactivated, it retires every access token issued before.
ALTER TABLE users ADD COLUMN token_gen BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN token_gen;
