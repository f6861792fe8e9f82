-- +goose Up
-- A worker stamps the rows it claims with claim_token, so that it finishes
-- only its own rows even after its lease expired and another took them.
ALTER TABLE outbox_jobs
    ADD COLUMN claim_token VARCHAR(32) NOT NULL DEFAULT '',
    ADD KEY idx_outbox_finished (status, updated_at),
    ADD KEY idx_outbox_claim (claim_token);
ALTER TABLE devices ADD KEY idx_devices_last_seen (last_seen_at);
ALTER TABLE notifications ADD KEY idx_notifications_user_category (user_id, category, id);

-- +goose Down
ALTER TABLE notifications DROP KEY idx_notifications_user_category;
ALTER TABLE devices DROP KEY idx_devices_last_seen;
ALTER TABLE outbox_jobs
    DROP KEY idx_outbox_claim,
    DROP KEY idx_outbox_finished,
    DROP COLUMN claim_token;
