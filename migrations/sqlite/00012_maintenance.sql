-- +goose Up
-- Planned maintenance (设施设备巡查保养): the equipment registry, plans on
-- cycles, the work orders generated from them and their photos.
CREATE TABLE maint_assets (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    building     TEXT NOT NULL DEFAULT '',
    floor        TEXT NOT NULL DEFAULT '',
    location     TEXT NOT NULL DEFAULT '',
    quantity     INTEGER NOT NULL DEFAULT 1 CHECK (quantity >= 1),
    installed_on TEXT,
    notes        TEXT NOT NULL DEFAULT '',
    active       NUMERIC NOT NULL DEFAULT 1,
    photo_count  INTEGER NOT NULL DEFAULT 0,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_maint_assets_code ON maint_assets (code);
CREATE INDEX idx_maint_assets_kind ON maint_assets (kind, id);

CREATE TABLE maint_plans (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    name          TEXT NOT NULL,
    asset_id      INTEGER REFERENCES maint_assets (id),
    asset_kind    TEXT NOT NULL DEFAULT '',
    checklist     TEXT NOT NULL,
    cycle_unit    TEXT NOT NULL,
    cycle_every   INTEGER NOT NULL CHECK (cycle_every >= 1),
    start_on      TEXT NOT NULL,
    lead_days     INTEGER NOT NULL DEFAULT 0,
    team          TEXT NOT NULL DEFAULT '',
    technician_id INTEGER REFERENCES users (id),
    next_due      TEXT NOT NULL,
    generate_on   TEXT NOT NULL,
    active        NUMERIC NOT NULL DEFAULT 1,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);
CREATE INDEX idx_maint_plans_generate ON maint_plans (active, generate_on);

CREATE TABLE maint_work_orders (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id             INTEGER NOT NULL REFERENCES maint_plans (id),
    asset_id            INTEGER NOT NULL REFERENCES maint_assets (id),
    title               TEXT NOT NULL,
    due_on              TEXT NOT NULL,
    scheduled_on        TEXT NOT NULL,
    status              TEXT NOT NULL,
    team                TEXT NOT NULL DEFAULT '',
    technician_id       INTEGER REFERENCES users (id),
    checklist           TEXT NOT NULL,
    readings            TEXT NOT NULL,
    reason              TEXT NOT NULL DEFAULT '',
    started_at          DATETIME,
    completed_at        DATETIME,
    overdue_notified_at DATETIME,
    photo_count         INTEGER NOT NULL DEFAULT 0,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_maint_work_orders_once ON maint_work_orders (plan_id, asset_id, scheduled_on);
CREATE INDEX idx_maint_work_orders_due ON maint_work_orders (status, due_on);
CREATE INDEX idx_maint_work_orders_tech ON maint_work_orders (technician_id, status);
CREATE INDEX idx_maint_work_orders_asset ON maint_work_orders (asset_id, id);

CREATE TABLE maint_photos (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    asset_id      INTEGER REFERENCES maint_assets (id),
    work_order_id INTEGER REFERENCES maint_work_orders (id),
    uploader_id   INTEGER NOT NULL REFERENCES users (id),
    content_type  TEXT NOT NULL,
    size          INTEGER NOT NULL,
    storage_key   TEXT NOT NULL,
    created_at    DATETIME NOT NULL
);
CREATE INDEX idx_maint_photos_asset ON maint_photos (asset_id);
CREATE INDEX idx_maint_photos_order ON maint_photos (work_order_id);
CREATE INDEX idx_maint_photos_uploader ON maint_photos (uploader_id, created_at);

-- A repair may name the asset it is about and the work order that found it.
ALTER TABLE repairs ADD COLUMN asset_id INTEGER REFERENCES maint_assets (id);
ALTER TABLE repairs ADD COLUMN work_order_id INTEGER REFERENCES maint_work_orders (id);
CREATE INDEX idx_repairs_asset ON repairs (asset_id, id);
CREATE INDEX idx_repairs_work_order ON repairs (work_order_id);

-- Parts may go to a work order as well as to a repair.
ALTER TABLE stock_moves ADD COLUMN work_order_id INTEGER REFERENCES maint_work_orders (id);
CREATE INDEX idx_stock_moves_work_order ON stock_moves (work_order_id, item_id);

-- +goose Down
DROP INDEX idx_stock_moves_work_order;
ALTER TABLE stock_moves DROP COLUMN work_order_id;
DROP INDEX idx_repairs_work_order;
DROP INDEX idx_repairs_asset;
ALTER TABLE repairs DROP COLUMN work_order_id;
ALTER TABLE repairs DROP COLUMN asset_id;
DROP TABLE maint_photos;
DROP TABLE maint_work_orders;
DROP TABLE maint_plans;
DROP TABLE maint_assets;
