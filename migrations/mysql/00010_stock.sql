-- +goose Up
CREATE TABLE stock_items (
    id              BIGINT AUTO_INCREMENT PRIMARY KEY,
    name            VARCHAR(100) NOT NULL,
    spec            VARCHAR(100) NOT NULL DEFAULT '',
    unit            VARCHAR(20) NOT NULL,
    reorder_level   INT NOT NULL DEFAULT 0,
    location        VARCHAR(100) NOT NULL DEFAULT '',
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    on_hand         INT NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    value_cents       BIGINT NOT NULL DEFAULT 0,
    low_notified_at DATETIME(3) NULL,
    created_at      DATETIME(3) NOT NULL,
    updated_at      DATETIME(3) NOT NULL,
    UNIQUE KEY idx_stock_items_name_spec (name, spec)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The ledger: rows are appended, never changed (see models/stock).
CREATE TABLE stock_moves (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    item_id       BIGINT NOT NULL,
    kind          VARCHAR(10) NOT NULL,
    quantity      INT NOT NULL,
    value_cents     BIGINT NOT NULL,
    unit_cost_cents BIGINT NOT NULL DEFAULT 0,
    supplier      VARCHAR(100) NOT NULL DEFAULT '',
    repair_id     BIGINT NULL,
    reason        VARCHAR(500) NOT NULL DEFAULT '',
    by_id         BIGINT NOT NULL,
    on_hand       INT NOT NULL,
    created_at    DATETIME(3) NOT NULL,
    KEY idx_stock_moves_item (item_id, id),
    KEY idx_stock_moves_repair (repair_id, item_id),
    KEY idx_stock_moves_created (created_at),
    CONSTRAINT fk_stock_moves_item FOREIGN KEY (item_id) REFERENCES stock_items (id),
    CONSTRAINT fk_stock_moves_repair FOREIGN KEY (repair_id) REFERENCES repairs (id),
    CONSTRAINT fk_stock_moves_by FOREIGN KEY (by_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE stock_moves;
DROP TABLE stock_items;
