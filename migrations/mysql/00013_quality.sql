-- +goose Up
-- Teams answer for service areas (models/team); inspections and the
-- complaints box route work to them.
CREATE TABLE teams (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    name       VARCHAR(50) NOT NULL,
    lead_id    BIGINT NULL,
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    UNIQUE KEY idx_teams_name (name),
    CONSTRAINT fk_teams_lead FOREIGN KEY (lead_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE team_members (
    team_id    BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (team_id, user_id),
    KEY idx_team_members_user (user_id),
    CONSTRAINT fk_team_members_team FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
    CONSTRAINT fk_team_members_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE team_areas (
    team_id BIGINT NOT NULL,
    kind    VARCHAR(20) NOT NULL,
    value   VARCHAR(100) NOT NULL,
    PRIMARY KEY (team_id, kind, value),
    CONSTRAINT fk_team_areas_team FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Inspections (督查) and the problems they find (models/inspect).
CREATE TABLE inspections (
    id            BIGINT AUTO_INCREMENT PRIMARY KEY,
    inspector_id  BIGINT NOT NULL,
    at            DATETIME(3) NOT NULL,
    building      VARCHAR(50) NOT NULL,
    floor         VARCHAR(20) NOT NULL DEFAULT '',
    area          VARCHAR(100) NOT NULL DEFAULT '',
    kind          VARCHAR(10) NOT NULL,
    off_hours     BOOLEAN NOT NULL DEFAULT FALSE,
    note          VARCHAR(1000) NOT NULL DEFAULT '',
    created_at    DATETIME(3) NOT NULL,
    KEY idx_inspections_at (at),
    CONSTRAINT fk_inspections_inspector FOREIGN KEY (inspector_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE inspection_problems (
    id                  BIGINT AUTO_INCREMENT PRIMARY KEY,
    inspection_id       BIGINT NOT NULL,
    description         VARCHAR(1000) NOT NULL,
    team_id             BIGINT NOT NULL,
    deadline            DATETIME(3) NOT NULL,
    status              VARCHAR(10) NOT NULL,
    fix_note            VARCHAR(1000) NOT NULL DEFAULT '',
    fixed_by_id         BIGINT NULL,
    fixed_at            DATETIME(3) NULL,
    verified_by_id      BIGINT NULL,
    verified_at         DATETIME(3) NULL,
    send_back_reason    VARCHAR(500) NOT NULL DEFAULT '',
    overdue_notified_at DATETIME(3) NULL,
    photo_count         INT NOT NULL DEFAULT 0,
    created_at          DATETIME(3) NOT NULL,
    updated_at          DATETIME(3) NOT NULL,
    KEY idx_inspection_problems_inspection (inspection_id),
    KEY idx_inspection_problems_team (team_id, status),
    KEY idx_inspection_problems_due (status, deadline),
    CONSTRAINT fk_inspection_problems_inspection FOREIGN KEY (inspection_id) REFERENCES inspections (id) ON DELETE CASCADE,
    CONSTRAINT fk_inspection_problems_team FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT fk_inspection_problems_fixed_by FOREIGN KEY (fixed_by_id) REFERENCES users (id),
    CONSTRAINT fk_inspection_problems_verified_by FOREIGN KEY (verified_by_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE inspection_photos (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    problem_id   BIGINT NOT NULL,
    uploader_id  BIGINT NOT NULL,
    stage        VARCHAR(10) NOT NULL,
    content_type VARCHAR(50) NOT NULL,
    size         BIGINT NOT NULL,
    storage_key  VARCHAR(100) NOT NULL,
    created_at   DATETIME(3) NOT NULL,
    KEY idx_inspection_photos_problem (problem_id),
    KEY idx_inspection_photos_uploader (uploader_id, created_at),
    CONSTRAINT fk_inspection_photos_problem FOREIGN KEY (problem_id) REFERENCES inspection_problems (id) ON DELETE CASCADE,
    CONSTRAINT fk_inspection_photos_uploader FOREIGN KEY (uploader_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The complaints and suggestions box (投诉意见箱, models/complaint).
CREATE TABLE complaints (
    id                  BIGINT AUTO_INCREMENT PRIMARY KEY,
    filer_id            BIGINT NOT NULL,
    area                VARCHAR(20) NOT NULL,
    kind                VARCHAR(20) NOT NULL,
    text                VARCHAR(2000) NOT NULL,
    anonymous           BOOLEAN NOT NULL DEFAULT FALSE,
    urgent              BOOLEAN NOT NULL DEFAULT FALSE,
    link_kind           VARCHAR(10) NOT NULL DEFAULT '',
    link_id             BIGINT NULL,
    team_id             BIGINT NULL,
    status              VARCHAR(10) NOT NULL,
    due_at              DATETIME(3) NOT NULL,
    reply               VARCHAR(2000) NOT NULL DEFAULT '',
    replied_at          DATETIME(3) NULL,
    reopened            BOOLEAN NOT NULL DEFAULT FALSE,
    reopen_reason       VARCHAR(500) NOT NULL DEFAULT '',
    closed_at           DATETIME(3) NULL,
    overdue_notified_at DATETIME(3) NULL,
    photo_count         INT NOT NULL DEFAULT 0,
    created_at          DATETIME(3) NOT NULL,
    updated_at          DATETIME(3) NOT NULL,
    KEY idx_complaints_filer (filer_id),
    KEY idx_complaints_team (team_id, status),
    KEY idx_complaints_due (status, due_at),
    CONSTRAINT fk_complaints_filer FOREIGN KEY (filer_id) REFERENCES users (id),
    CONSTRAINT fk_complaints_team FOREIGN KEY (team_id) REFERENCES teams (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE complaint_photos (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    complaint_id BIGINT NOT NULL,
    uploader_id  BIGINT NOT NULL,
    content_type VARCHAR(50) NOT NULL,
    size         BIGINT NOT NULL,
    storage_key  VARCHAR(100) NOT NULL,
    created_at   DATETIME(3) NOT NULL,
    KEY idx_complaint_photos_complaint (complaint_id),
    KEY idx_complaint_photos_uploader (uploader_id, created_at),
    CONSTRAINT fk_complaint_photos_complaint FOREIGN KEY (complaint_id) REFERENCES complaints (id) ON DELETE CASCADE,
    CONSTRAINT fk_complaint_photos_uploader FOREIGN KEY (uploader_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE complaint_photos;
DROP TABLE complaints;
DROP TABLE inspection_photos;
DROP TABLE inspection_problems;
DROP TABLE inspections;
DROP TABLE team_areas;
DROP TABLE team_members;
DROP TABLE teams;
