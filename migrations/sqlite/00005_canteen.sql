-- +goose Up
CREATE TABLE canteens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    location     TEXT NOT NULL DEFAULT '',
    meals        TEXT NOT NULL,
    menu_version INTEGER NOT NULL DEFAULT 0,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);

CREATE TABLE dishes (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    category     TEXT NOT NULL,
    price_cents  INTEGER NOT NULL DEFAULT 0,
    allergens    TEXT NOT NULL DEFAULT '',
    spicy_level  INTEGER NOT NULL DEFAULT 0,
    vegetarian   NUMERIC NOT NULL DEFAULT 0,
    calories     INTEGER,
    image_url    TEXT NOT NULL DEFAULT '',
    active       NUMERIC NOT NULL DEFAULT 1,
    rating_count INTEGER NOT NULL DEFAULT 0,
    rating_sum   INTEGER NOT NULL DEFAULT 0,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE INDEX idx_dishes_active_category ON dishes (active, category);

CREATE TABLE menus (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    canteen_id   INTEGER NOT NULL REFERENCES canteens (id) ON DELETE CASCADE,
    date         TEXT NOT NULL,
    meal         TEXT NOT NULL,
    status       TEXT NOT NULL DEFAULT 'draft',
    published_at DATETIME,
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_menus_slot ON menus (canteen_id, date, meal);

CREATE TABLE menu_items (
    menu_id     INTEGER NOT NULL REFERENCES menus (id) ON DELETE CASCADE,
    dish_id     INTEGER NOT NULL REFERENCES dishes (id),
    position    INTEGER NOT NULL DEFAULT 0,
    price_cents INTEGER,
    sold_out    NUMERIC NOT NULL DEFAULT 0,
    PRIMARY KEY (menu_id, dish_id)
);
CREATE INDEX idx_menu_items_dish_id ON menu_items (dish_id);

CREATE TABLE menu_announcements (
    canteen_id INTEGER NOT NULL REFERENCES canteens (id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (canteen_id, date)
);

CREATE TABLE dish_ratings (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    dish_id    INTEGER NOT NULL REFERENCES dishes (id),
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    served_on  TEXT NOT NULL,
    score      INTEGER NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_dish_ratings_once ON dish_ratings (dish_id, user_id, served_on);
CREATE INDEX idx_dish_ratings_served_on ON dish_ratings (served_on);

CREATE TABLE meal_registrations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    canteen_id INTEGER NOT NULL REFERENCES canteens (id) ON DELETE CASCADE,
    date       TEXT NOT NULL,
    meal       TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_name  TEXT NOT NULL DEFAULT '',
    department TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_meal_registrations_slot ON meal_registrations (canteen_id, date, meal, user_id);
CREATE INDEX idx_meal_registrations_user ON meal_registrations (user_id, date);

-- +goose Down
DROP TABLE meal_registrations;
DROP TABLE dish_ratings;
DROP TABLE menu_announcements;
DROP TABLE menu_items;
DROP TABLE menus;
DROP TABLE dishes;
DROP TABLE canteens;
