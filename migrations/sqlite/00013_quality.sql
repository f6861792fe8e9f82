-- +goose Up
-- Teams answer for service areas (models/team); inspections and the
-- complaints box route work to them.
CREATE TABLE teams (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    lead_id    INTEGER REFERENCES users (id),
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_teams_name ON teams (name);

CREATE TABLE team_members (
    team_id    INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at DATETIME NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX idx_team_members_user ON team_members (user_id);

CREATE TABLE team_areas (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    kind    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (team_id, kind, value)
);

-- Inspections (督查) and the problems they find (models/inspect).
CREATE TABLE inspections (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    inspector_id  INTEGER NOT NULL REFERENCES users (id),
    at            DATETIME NOT NULL,
    building      TEXT NOT NULL,
    floor         TEXT NOT NULL DEFAULT '',
    area          TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL,
    off_hours     NUMERIC NOT NULL DEFAULT 0,
    note          TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL
);
CREATE INDEX idx_inspections_at ON inspections (at);

CREATE TABLE inspection_problems (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    inspection_id       INTEGER NOT NULL REFERENCES inspections (id) ON DELETE CASCADE,
    description         TEXT NOT NULL,
    team_id             INTEGER NOT NULL REFERENCES teams (id),
    deadline            DATETIME NOT NULL,
    status              TEXT NOT NULL,
    fix_note            TEXT NOT NULL DEFAULT '',
    fixed_by_id         INTEGER REFERENCES users (id),
    fixed_at            DATETIME,
    verified_by_id      INTEGER REFERENCES users (id),
    verified_at         DATETIME,
    send_back_reason    TEXT NOT NULL DEFAULT '',
    overdue_notified_at DATETIME,
    photo_count         INTEGER NOT NULL DEFAULT 0,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE INDEX idx_inspection_problems_inspection ON inspection_problems (inspection_id);
CREATE INDEX idx_inspection_problems_team ON inspection_problems (team_id, status);
CREATE INDEX idx_inspection_problems_due ON inspection_problems (status, deadline);

CREATE TABLE inspection_photos (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    problem_id   INTEGER NOT NULL REFERENCES inspection_problems (id) ON DELETE CASCADE,
    uploader_id  INTEGER NOT NULL REFERENCES users (id),
    stage        TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    storage_key  TEXT NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX idx_inspection_photos_problem ON inspection_photos (problem_id);
CREATE INDEX idx_inspection_photos_uploader ON inspection_photos (uploader_id, created_at);

-- The complaints and suggestions box (投诉意见箱, models/complaint).
CREATE TABLE complaints (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    filer_id            INTEGER NOT NULL REFERENCES users (id),
    area                TEXT NOT NULL,
    kind                TEXT NOT NULL,
    text                TEXT NOT NULL,
    anonymous           NUMERIC NOT NULL DEFAULT 0,
    urgent              NUMERIC NOT NULL DEFAULT 0,
    link_kind           TEXT NOT NULL DEFAULT '',
    link_id             INTEGER,
    team_id             INTEGER REFERENCES teams (id),
    status              TEXT NOT NULL,
    due_at              DATETIME NOT NULL,
    reply               TEXT NOT NULL DEFAULT '',
    replied_at          DATETIME,
    reopened            NUMERIC NOT NULL DEFAULT 0,
    reopen_reason       TEXT NOT NULL DEFAULT '',
    closed_at           DATETIME,
    overdue_notified_at DATETIME,
    photo_count         INTEGER NOT NULL DEFAULT 0,
    created_at          DATETIME NOT NULL,
    updated_at          DATETIME NOT NULL
);
CREATE INDEX idx_complaints_filer ON complaints (filer_id);
CREATE INDEX idx_complaints_team ON complaints (team_id, status);
CREATE INDEX idx_complaints_due ON complaints (status, due_at);

CREATE TABLE complaint_photos (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    uploader_id  INTEGER NOT NULL REFERENCES users (id),
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    storage_key  TEXT NOT NULL,
    created_at   DATETIME NOT NULL
);
CREATE INDEX idx_complaint_photos_complaint ON complaint_photos (complaint_id);
CREATE INDEX idx_complaint_photos_uploader ON complaint_photos (uploader_id, created_at);

-- +goose Down
DROP TABLE complaint_photos;
DROP TABLE complaints;
DROP TABLE inspection_photos;
DROP TABLE inspection_problems;
DROP TABLE inspections;
DROP TABLE team_areas;
DROP TABLE team_members;
DROP TABLE teams;
