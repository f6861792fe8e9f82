-- +goose Up
-- Planned maintenance (设施设备巡查保养): the equipment registry, plans on
-- cycles, the work orders generated from them and their photos.
CREATE TABLE maint_assets (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    code         VARCHAR(40) NOT NULL,
    name         VARCHAR(100) NOT NULL,
    kind         VARCHAR(30) NOT NULL,
    building     VARCHAR(50) NOT NULL DEFAULT '',
    floor        VARCHAR(20) NOT NULL DEFAULT '',
    location     VARCHAR(100) NOT NULL DEFAULT '',
    quantity     INT NOT NULL DEFAULT 1 CHECK (quantity >= 1),
    installed_on DATE NULL,
    notes        VARCHAR(1000) NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    photo_count  INT NOT NULL DEFAULT 0,
    created_at   DATETIME(3) NOT NULL,
    updated_at   DATETIME(3) NOT NULL,
    UNIQUE KEY idx_maint_assets_code (code),
    KEY idx_maint_assets_kind (kind, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE maint_plans (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    name          VARCHAR(100) NOT NULL,
    asset_id      BIGINT NULL,
    asset_kind    VARCHAR(30) NOT NULL DEFAULT '',
    checklist     TEXT NOT NULL,
    cycle_unit    VARCHAR(10) NOT NULL,
    cycle_every   INT NOT NULL CHECK (cycle_every >= 1),
    start_on      DATE NOT NULL,
    lead_days     INT NOT NULL DEFAULT 0,
    team          VARCHAR(50) NOT NULL DEFAULT '',
    technician_id BIGINT NULL,
    next_due      DATE NOT NULL,
    generate_on   DATE NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    created_at    DATETIME(3) NOT NULL,
    updated_at    DATETIME(3) NOT NULL,
    KEY idx_maint_plans_generate (active, generate_on),
    CONSTRAINT fk_maint_plans_asset FOREIGN KEY (asset_id) REFERENCES maint_assets (id),
    CONSTRAINT fk_maint_plans_technician FOREIGN KEY (technician_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE maint_work_orders (
    id                  BIGINT AUTO_INCREMENT PRIMARY KEY,
    plan_id             BIGINT NOT NULL,
    asset_id            BIGINT NOT NULL,
    title               VARCHAR(100) NOT NULL,
    due_on              DATE NOT NULL,
    scheduled_on        DATE NOT NULL,
    status              VARCHAR(12) NOT NULL,
    team                VARCHAR(50) NOT NULL DEFAULT '',
    technician_id       BIGINT NULL,
    checklist           TEXT NOT NULL,
    readings            TEXT NOT NULL,
    reason              VARCHAR(500) NOT NULL DEFAULT '',
    started_at          DATETIME(3) NULL,
    completed_at        DATETIME(3) NULL,
    overdue_notified_at DATETIME(3) NULL,
    photo_count         INT NOT NULL DEFAULT 0,
    created_at          DATETIME(3) NOT NULL,
    updated_at          DATETIME(3) NOT NULL,
    UNIQUE KEY idx_maint_work_orders_once (plan_id, asset_id, scheduled_on),
    KEY idx_maint_work_orders_due (status, due_on),
    KEY idx_maint_work_orders_tech (technician_id, status),
    KEY idx_maint_work_orders_asset (asset_id, id),
    CONSTRAINT fk_maint_work_orders_plan FOREIGN KEY (plan_id) REFERENCES maint_plans (id),
    CONSTRAINT fk_maint_work_orders_asset FOREIGN KEY (asset_id) REFERENCES maint_assets (id),
    CONSTRAINT fk_maint_work_orders_technician FOREIGN KEY (technician_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE maint_photos (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    asset_id      BIGINT NULL,
    work_order_id BIGINT NULL,
    uploader_id   BIGINT NOT NULL,
    content_type  VARCHAR(50) NOT NULL,
    size          BIGINT NOT NULL,
    storage_key   VARCHAR(100) NOT NULL,
    created_at    DATETIME(3) NOT NULL,
    KEY idx_maint_photos_asset (asset_id),
    KEY idx_maint_photos_order (work_order_id),
    KEY idx_maint_photos_uploader (uploader_id, created_at),
    CONSTRAINT fk_maint_photos_asset FOREIGN KEY (asset_id) REFERENCES maint_assets (id),
    CONSTRAINT fk_maint_photos_order FOREIGN KEY (work_order_id) REFERENCES maint_work_orders (id),
    CONSTRAINT fk_maint_photos_uploader FOREIGN KEY (uploader_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A repair may name the asset it is about and the work order that found it.
ALTER TABLE repairs
    ADD COLUMN asset_id BIGINT NULL,
    ADD COLUMN work_order_id BIGINT NULL,
    ADD KEY idx_repairs_asset (asset_id, id),
    ADD KEY idx_repairs_work_order (work_order_id),
    ADD CONSTRAINT fk_repairs_asset FOREIGN KEY (asset_id) REFERENCES maint_assets (id),
    ADD CONSTRAINT fk_repairs_work_order FOREIGN KEY (work_order_id) REFERENCES maint_work_orders (id);

-- Parts may go to a work order as well as to a repair.
ALTER TABLE stock_moves
    ADD COLUMN work_order_id BIGINT NULL,
    ADD KEY idx_stock_moves_work_order (work_order_id, item_id),
    ADD CONSTRAINT fk_stock_moves_work_order FOREIGN KEY (work_order_id) REFERENCES maint_work_orders (id);

-- +goose Down
ALTER TABLE stock_moves DROP FOREIGN KEY fk_stock_moves_work_order, DROP KEY idx_stock_moves_work_order, DROP COLUMN work_order_id;
ALTER TABLE repairs DROP FOREIGN KEY fk_repairs_work_order, DROP FOREIGN KEY fk_repairs_asset,
    DROP KEY idx_repairs_work_order, DROP KEY idx_repairs_asset, DROP COLUMN work_order_id, DROP COLUMN asset_id;
DROP TABLE maint_photos;
DROP TABLE maint_work_orders;
DROP TABLE maint_plans;
DROP TABLE maint_assets;
