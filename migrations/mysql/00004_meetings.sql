-- +goose Up
CREATE TABLE rooms (
    id                BIGINT AUTO_INCREMENT PRIMARY KEY,
    name              VARCHAR(100) NOT NULL,
    building          VARCHAR(50) NOT NULL DEFAULT '',
    floor             INT NOT NULL DEFAULT 0,
    capacity          INT NOT NULL,
    equipment         TEXT NOT NULL,
    photo_url         VARCHAR(500) NOT NULL DEFAULT '',
    requires_approval BOOLEAN NOT NULL DEFAULT FALSE,
    requires_check_in BOOLEAN NOT NULL DEFAULT FALSE,
    open_from         CHAR(5) NOT NULL DEFAULT '08:00',
    open_to           CHAR(5) NOT NULL DEFAULT '21:00',
    horizon_days      INT NOT NULL DEFAULT 90,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    created_at        DATETIME(3) NOT NULL,
    updated_at        DATETIME(3) NOT NULL,
    UNIQUE KEY idx_rooms_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE booking_series (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    organizer_id BIGINT NOT NULL,
    room_id      BIGINT NOT NULL,
    frequency    VARCHAR(10) NOT NULL,
    last_date    DATE NOT NULL,
    occurrences  INT NOT NULL,
    created_at   DATETIME(3) NOT NULL,
    KEY idx_booking_series_organizer (organizer_id),
    CONSTRAINT fk_booking_series_organizer FOREIGN KEY (organizer_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_booking_series_room FOREIGN KEY (room_id) REFERENCES rooms (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE bookings (
    id                BIGINT AUTO_INCREMENT PRIMARY KEY,
    room_id           BIGINT NOT NULL,
    organizer_id      BIGINT NOT NULL,
    series_id         BIGINT NULL,
    title             VARCHAR(200) NOT NULL,
    start_at          DATETIME(3) NOT NULL,
    end_at            DATETIME(3) NOT NULL,
    attendees         INT NOT NULL,
    services          TEXT NOT NULL,
    note              VARCHAR(500) NOT NULL DEFAULT '',
    status            VARCHAR(10) NOT NULL,
    reason            VARCHAR(500) NOT NULL DEFAULT '',
    check_in_required BOOLEAN NOT NULL DEFAULT FALSE,
    checked_in_at     DATETIME(3) NULL,
    reminded_at       DATETIME(3) NULL,
    decided_by        BIGINT NULL,
    created_at        DATETIME(3) NOT NULL,
    updated_at        DATETIME(3) NOT NULL,
    KEY idx_bookings_room_start (room_id, start_at),
    KEY idx_bookings_start (start_at),
    KEY idx_bookings_status_start (status, start_at),
    KEY idx_bookings_organizer (organizer_id),
    KEY idx_bookings_series (series_id),
    CONSTRAINT fk_bookings_room FOREIGN KEY (room_id) REFERENCES rooms (id),
    CONSTRAINT fk_bookings_organizer FOREIGN KEY (organizer_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_bookings_series FOREIGN KEY (series_id) REFERENCES booking_series (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE calendar_feeds (
    user_id    BIGINT PRIMARY KEY,
    token_hash CHAR(64) NOT NULL,
    created_at DATETIME(3) NOT NULL,
    UNIQUE KEY idx_calendar_feeds_token (token_hash),
    CONSTRAINT fk_calendar_feeds_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE bookings;
DROP TABLE booking_series;
DROP TABLE rooms;
