-- +goose Up
CREATE TABLE repair_targets (
    priority           VARCHAR(10) PRIMARY KEY,
    response_minutes   INT NOT NULL,
    resolution_minutes INT NOT NULL,
    updated_at         DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO repair_targets (priority, response_minutes, resolution_minutes, updated_at) VALUES
    ('urgent', 30, 240, UTC_TIMESTAMP(3)),
    ('normal', 120, 1440, UTC_TIMESTAMP(3)),
    ('low', 480, 4320, UTC_TIMESTAMP(3));

CREATE TABLE repair_counters (
    day DATE PRIMARY KEY,
    seq INT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE repairs (
    id                  BIGINT AUTO_INCREMENT PRIMARY KEY,
    ticket              VARCHAR(20) NOT NULL,
    requester_id        BIGINT NOT NULL,
    entered_by_id       BIGINT NOT NULL,
    category            VARCHAR(20) NOT NULL,
    priority            VARCHAR(10) NOT NULL,
    location            VARCHAR(200) NOT NULL,
    description         VARCHAR(2000) NOT NULL,
    contact_phone       VARCHAR(32) NOT NULL DEFAULT '',
    status              VARCHAR(20) NOT NULL,
    technician_id       BIGINT NULL,
    respond_by          DATETIME(3) NOT NULL,
    due_at              DATETIME(3) NOT NULL,
    deadline_at         DATETIME(3) NULL,
    overdue_notified_at DATETIME(3) NULL,
    missed_deadlines    INT NOT NULL DEFAULT 0,
    first_assigned_at   DATETIME(3) NULL,
    started_at          DATETIME(3) NULL,
    resolved_at         DATETIME(3) NULL,
    closed_at           DATETIME(3) NULL,
    resolution_note     VARCHAR(2000) NOT NULL DEFAULT '',
    attitude            TINYINT NOT NULL DEFAULT 0,
    quality             TINYINT NOT NULL DEFAULT 0,
    cleanliness         TINYINT NOT NULL DEFAULT 0,
    feedback_comment    VARCHAR(1000) NOT NULL DEFAULT '',
    feedback_source     VARCHAR(10) NOT NULL DEFAULT '',
    photo_count         INT NOT NULL DEFAULT 0,
    created_at          DATETIME(3) NOT NULL,
    updated_at          DATETIME(3) NOT NULL,
    UNIQUE KEY idx_repairs_ticket (ticket),
    -- List queries page by id within one filter: each index ends with id.
    KEY idx_repairs_requester (requester_id, id),
    KEY idx_repairs_technician (technician_id, id),
    KEY idx_repairs_status (status, id),
    KEY idx_repairs_category (category, id),
    KEY idx_repairs_deadline (deadline_at),
    KEY idx_repairs_created (created_at),
    KEY idx_repairs_entered_by_id (entered_by_id),
    CONSTRAINT fk_repairs_requester FOREIGN KEY (requester_id) REFERENCES users (id),
    CONSTRAINT fk_repairs_entered_by FOREIGN KEY (entered_by_id) REFERENCES users (id),
    CONSTRAINT fk_repairs_technician FOREIGN KEY (technician_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE repair_events (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    repair_id     BIGINT NOT NULL,
    actor_id      BIGINT NOT NULL,
    action        VARCHAR(20) NOT NULL,
    from_status   VARCHAR(20) NOT NULL DEFAULT '',
    to_status     VARCHAR(20) NOT NULL,
    technician_id BIGINT NULL,
    note          VARCHAR(2000) NOT NULL DEFAULT '',
    created_at    DATETIME(3) NOT NULL,
    KEY idx_repair_events_repair (repair_id, id),
    CONSTRAINT fk_repair_events_repair FOREIGN KEY (repair_id) REFERENCES repairs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE repair_photos (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    repair_id    BIGINT NOT NULL,
    uploader_id  BIGINT NOT NULL,
    content_type VARCHAR(50) NOT NULL,
    size         BIGINT NOT NULL,
    storage_key  VARCHAR(100) NOT NULL,
    created_at   DATETIME(3) NOT NULL,
    KEY idx_repair_photos_repair (repair_id),
    CONSTRAINT fk_repair_photos_repair FOREIGN KEY (repair_id) REFERENCES repairs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE repair_photos;
DROP TABLE repair_events;
DROP TABLE repairs;
DROP TABLE repair_counters;
DROP TABLE repair_targets;
