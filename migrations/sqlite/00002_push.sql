-- +goose Up
-- A worker stamps the rows it claims with claim_token, so that it finishes
-- only its own rows even after its lease expired and another took them.
ALTER TABLE outbox_jobs ADD COLUMN claim_token TEXT NOT NULL DEFAULT '';
CREATE INDEX idx_outbox_finished ON outbox_jobs (status, updated_at);
CREATE INDEX idx_outbox_claim ON outbox_jobs (claim_token);
CREATE INDEX idx_devices_last_seen ON devices (last_seen_at);
CREATE INDEX idx_notifications_user_category ON notifications (user_id, category, id);

-- +goose Down
DROP INDEX idx_notifications_user_category;
DROP INDEX idx_devices_last_seen;
DROP INDEX idx_outbox_claim;
DROP INDEX idx_outbox_finished;
ALTER TABLE outbox_jobs DROP COLUMN claim_token;
