-- +goose Up
-- The 100-point assessment (models/assess): the indicators an admin
-- weighs, and the frozen results of closed months.
CREATE TABLE assessment_indicators (
    indicator  TEXT PRIMARY KEY,
    weight     INTEGER NOT NULL,
    target     REAL NOT NULL,
    updated_at DATETIME NOT NULL
);
INSERT INTO assessment_indicators (indicator, weight, target, updated_at) VALUES
    ('repairs_on_time', 25, 95, CURRENT_TIMESTAMP),
    ('callback_rate', 15, 100, CURRENT_TIMESTAMP),
    ('satisfaction', 15, 4.5, CURRENT_TIMESTAMP),
    ('dish_rating', 10, 4.5, CURRENT_TIMESTAMP),
    ('shuttle_on_time', 10, 95, CURRENT_TIMESTAMP),
    ('inspection_on_time', 15, 100, CURRENT_TIMESTAMP),
    ('complaints', 10, 2, CURRENT_TIMESTAMP);

CREATE TABLE assessment_results (
    team_id     INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    month       TEXT NOT NULL,
    indicator   TEXT NOT NULL,
    applicable  NUMERIC NOT NULL,
    raw         REAL NOT NULL,
    samples     INTEGER NOT NULL,
    target      REAL NOT NULL,
    weight      INTEGER NOT NULL,
    points      REAL NOT NULL,
    computed_at DATETIME NOT NULL,
    PRIMARY KEY (team_id, month, indicator)
);

-- +goose Down
DROP TABLE assessment_results;
DROP TABLE assessment_indicators;
