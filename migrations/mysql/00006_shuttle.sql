-- +goose Up
CREATE TABLE shuttle_routes (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(100) NOT NULL,
    color      VARCHAR(7) NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    UNIQUE KEY idx_shuttle_routes_name (name),
    KEY idx_shuttle_routes_active (active)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE shuttle_stops (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    route_id   BIGINT NOT NULL,
    seq        INT NOT NULL,
    name       VARCHAR(100) NOT NULL,
    lat        DOUBLE NOT NULL,
    lng        DOUBLE NOT NULL,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    UNIQUE KEY idx_shuttle_stops_route_seq (route_id, seq),
    CONSTRAINT fk_shuttle_stops_route FOREIGN KEY (route_id) REFERENCES shuttle_routes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE shuttle_schedules (
    id               BIGINT AUTO_INCREMENT PRIMARY KEY,
    route_id         BIGINT NOT NULL,
    departure_minute INT NOT NULL,
    stop_minutes     TEXT NOT NULL,
    weekdays         INT NOT NULL,
    vehicle_plate    VARCHAR(20) NOT NULL DEFAULT '',
    vehicle_seats    INT NOT NULL DEFAULT 0,
    driver_id        BIGINT NULL,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    created_at       DATETIME(3) NOT NULL,
    updated_at       DATETIME(3) NOT NULL,
    KEY idx_shuttle_schedules_route (route_id),
    CONSTRAINT fk_shuttle_schedules_route FOREIGN KEY (route_id) REFERENCES shuttle_routes (id) ON DELETE CASCADE,
    CONSTRAINT fk_shuttle_schedules_driver FOREIGN KEY (driver_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE shuttle_calendar_days (
    date       DATE PRIMARY KEY,
    no_service BOOLEAN NOT NULL DEFAULT FALSE,
    runs_as    INT NOT NULL DEFAULT 0,
    note       VARCHAR(100) NOT NULL DEFAULT '',
    updated_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE shuttle_trips (
    id               BIGINT AUTO_INCREMENT PRIMARY KEY,
    schedule_id      BIGINT NOT NULL,
    service_date     DATE NOT NULL,
    route_id         BIGINT NOT NULL,
    departure_at     DATETIME(3) NOT NULL,
    stop_minutes     TEXT NOT NULL,
    driver_id        BIGINT NULL,
    vehicle_plate    VARCHAR(20) NOT NULL DEFAULT '',
    vehicle_seats    INT NOT NULL DEFAULT 0,
    status           VARCHAR(10) NOT NULL,
    delay_minutes    INT NOT NULL DEFAULT 0,
    reason           VARCHAR(200) NOT NULL DEFAULT '',
    alerted_delay    INT NOT NULL DEFAULT 0,
    departed_at      DATETIME(3) NULL,
    arrived_at       DATETIME(3) NULL,
    last_lat         DOUBLE NULL,
    last_lng         DOUBLE NULL,
    last_speed       DOUBLE NULL,
    last_heading     DOUBLE NULL,
    last_position_at DATETIME(3) NULL,
    created_at       DATETIME(3) NOT NULL,
    updated_at       DATETIME(3) NOT NULL,
    UNIQUE KEY idx_shuttle_trips_schedule_date (schedule_id, service_date),
    KEY idx_shuttle_trips_date_route (service_date, route_id),
    KEY idx_shuttle_trips_driver_date (driver_id, service_date),
    CONSTRAINT fk_shuttle_trips_schedule FOREIGN KEY (schedule_id) REFERENCES shuttle_schedules (id) ON DELETE CASCADE,
    CONSTRAINT fk_shuttle_trips_route FOREIGN KEY (route_id) REFERENCES shuttle_routes (id) ON DELETE CASCADE,
    CONSTRAINT fk_shuttle_trips_driver FOREIGN KEY (driver_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE shuttle_positions (
    id          BIGINT AUTO_INCREMENT PRIMARY KEY,
    trip_id     BIGINT NOT NULL,
    recorded_at DATETIME(3) NOT NULL,
    lat         DOUBLE NOT NULL,
    lng         DOUBLE NOT NULL,
    speed       DOUBLE NULL,
    heading     DOUBLE NULL,
    created_at  DATETIME(3) NOT NULL,
    UNIQUE KEY idx_shuttle_positions_trip_time (trip_id, recorded_at),
    KEY idx_shuttle_positions_recorded (recorded_at),
    CONSTRAINT fk_shuttle_positions_trip FOREIGN KEY (trip_id) REFERENCES shuttle_trips (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE shuttle_route_follows (
    user_id    BIGINT NOT NULL,
    route_id   BIGINT NOT NULL,
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (user_id, route_id),
    KEY idx_shuttle_route_follows_route (route_id),
    CONSTRAINT fk_shuttle_route_follows_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_shuttle_route_follows_route FOREIGN KEY (route_id) REFERENCES shuttle_routes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE shuttle_stop_follows (
    user_id        BIGINT NOT NULL,
    stop_id        BIGINT NOT NULL,
    route_id       BIGINT NOT NULL,
    minutes_before INT NOT NULL,
    created_at     DATETIME(3) NOT NULL,
    updated_at     DATETIME(3) NOT NULL,
    PRIMARY KEY (user_id, stop_id),
    KEY idx_shuttle_stop_follows_route (route_id),
    CONSTRAINT fk_shuttle_stop_follows_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_shuttle_stop_follows_stop FOREIGN KEY (stop_id) REFERENCES shuttle_stops (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE shuttle_stop_alerts (
    trip_id    BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    stop_id    BIGINT NOT NULL,
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (trip_id, user_id, stop_id),
    CONSTRAINT fk_shuttle_stop_alerts_trip FOREIGN KEY (trip_id) REFERENCES shuttle_trips (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE shuttle_stop_alerts;
DROP TABLE shuttle_stop_follows;
DROP TABLE shuttle_route_follows;
DROP TABLE shuttle_positions;
DROP TABLE shuttle_trips;
DROP TABLE shuttle_calendar_days;
DROP TABLE shuttle_schedules;
DROP TABLE shuttle_stops;
DROP TABLE shuttle_routes;
