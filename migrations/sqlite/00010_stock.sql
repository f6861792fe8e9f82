-- +goose Up
CREATE TABLE stock_items (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    spec            TEXT NOT NULL DEFAULT '',
    unit            TEXT NOT NULL,
    reorder_level   INTEGER NOT NULL DEFAULT 0,
    location        TEXT NOT NULL DEFAULT '',
    active          NUMERIC NOT NULL DEFAULT 1,
    on_hand         INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    value_cents       INTEGER NOT NULL DEFAULT 0,
    low_notified_at DATETIME,
    created_at      DATETIME NOT NULL,
    updated_at      DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_stock_items_name_spec ON stock_items (name, spec);

-- The ledger: rows are appended, never changed (see models/stock).
CREATE TABLE stock_moves (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id       INTEGER NOT NULL REFERENCES stock_items (id),
    kind          TEXT NOT NULL,
    quantity      INTEGER NOT NULL,
    value_cents     INTEGER NOT NULL,
    unit_cost_cents INTEGER NOT NULL DEFAULT 0,
    supplier      TEXT NOT NULL DEFAULT '',
    repair_id     INTEGER REFERENCES repairs (id),
    reason        TEXT NOT NULL DEFAULT '',
    by_id         INTEGER NOT NULL REFERENCES users (id),
    on_hand       INTEGER NOT NULL,
    created_at    DATETIME NOT NULL
);
CREATE INDEX idx_stock_moves_item ON stock_moves (item_id, id);
CREATE INDEX idx_stock_moves_repair ON stock_moves (repair_id, item_id);
CREATE INDEX idx_stock_moves_created ON stock_moves (created_at);

-- +goose Down
DROP TABLE stock_moves;
DROP TABLE stock_items;
