-- +goose Up
-- The push service of each device (fcm, apns, huawei, honor, xiaomi, oppo,
-- vivo, harmony), and of each outbox row, copied when the row is queued so that the
-- worker routes it and operators count by it. Existing devices are FCM's.
ALTER TABLE devices ADD COLUMN provider TEXT NOT NULL DEFAULT 'fcm';
ALTER TABLE outbox_jobs ADD COLUMN provider TEXT NOT NULL DEFAULT 'fcm';

-- +goose Down
ALTER TABLE outbox_jobs DROP COLUMN provider;
ALTER TABLE devices DROP COLUMN provider;
