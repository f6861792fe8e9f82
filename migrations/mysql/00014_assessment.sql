-- +goose Up
-- The 100-point assessment (models/assess): the indicators an admin
-- weighs, and the frozen results of closed months.
CREATE TABLE assessment_indicators (
    indicator  VARCHAR(30) NOT NULL PRIMARY KEY,
    weight     INT NOT NULL,
    target     DOUBLE NOT NULL,
    updated_at DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT INTO assessment_indicators (indicator, weight, target, updated_at) VALUES
    ('repairs_on_time', 25, 95, CURRENT_TIMESTAMP(3)),
    ('callback_rate', 15, 100, CURRENT_TIMESTAMP(3)),
    ('satisfaction', 15, 4.5, CURRENT_TIMESTAMP(3)),
    ('dish_rating', 10, 4.5, CURRENT_TIMESTAMP(3)),
    ('shuttle_on_time', 10, 95, CURRENT_TIMESTAMP(3)),
    ('inspection_on_time', 15, 100, CURRENT_TIMESTAMP(3)),
    ('complaints', 10, 2, CURRENT_TIMESTAMP(3));

CREATE TABLE assessment_results (
    team_id     BIGINT NOT NULL,
    month       CHAR(7) NOT NULL,
    indicator   VARCHAR(30) NOT NULL,
    applicable  BOOLEAN NOT NULL,
    raw         DOUBLE NOT NULL,
    samples     INT NOT NULL,
    target      DOUBLE NOT NULL,
    weight      INT NOT NULL,
    points      DOUBLE NOT NULL,
    computed_at DATETIME(3) NOT NULL,
    PRIMARY KEY (team_id, month, indicator),
    CONSTRAINT fk_assessment_results_team FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE assessment_results;
DROP TABLE assessment_indicators;
