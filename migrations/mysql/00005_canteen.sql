-- +goose Up
CREATE TABLE canteens (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    name         VARCHAR(100) NOT NULL,
    location     VARCHAR(200) NOT NULL DEFAULT '',
    meals        TEXT NOT NULL,
    menu_version BIGINT NOT NULL DEFAULT 0,
    created_at   DATETIME(3) NOT NULL,
    updated_at   DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE dishes (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    name         VARCHAR(100) NOT NULL,
    category     VARCHAR(20) NOT NULL,
    price_cents  INT NOT NULL DEFAULT 0,
    allergens    VARCHAR(200) NOT NULL DEFAULT '',
    spicy_level  INT NOT NULL DEFAULT 0,
    vegetarian   BOOLEAN NOT NULL DEFAULT FALSE,
    calories     INT NULL,
    image_url    VARCHAR(500) NOT NULL DEFAULT '',
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    rating_count INT NOT NULL DEFAULT 0,
    rating_sum   INT NOT NULL DEFAULT 0,
    created_at   DATETIME(3) NOT NULL,
    updated_at   DATETIME(3) NOT NULL,
    KEY idx_dishes_active_category (active, category)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE menus (
    id           BIGINT AUTO_INCREMENT PRIMARY KEY,
    canteen_id   BIGINT NOT NULL,
    date         DATE NOT NULL,
    meal         VARCHAR(10) NOT NULL,
    status       VARCHAR(10) NOT NULL DEFAULT 'draft',
    published_at DATETIME(3) NULL,
    created_at   DATETIME(3) NOT NULL,
    updated_at   DATETIME(3) NOT NULL,
    UNIQUE KEY idx_menus_slot (canteen_id, date, meal),
    CONSTRAINT fk_menus_canteen FOREIGN KEY (canteen_id) REFERENCES canteens (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE menu_items (
    menu_id     BIGINT NOT NULL,
    dish_id     BIGINT NOT NULL,
    position    INT NOT NULL DEFAULT 0,
    price_cents INT NULL,
    sold_out    BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (menu_id, dish_id),
    KEY idx_menu_items_dish_id (dish_id),
    CONSTRAINT fk_menu_items_menu FOREIGN KEY (menu_id) REFERENCES menus (id) ON DELETE CASCADE,
    CONSTRAINT fk_menu_items_dish FOREIGN KEY (dish_id) REFERENCES dishes (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE menu_announcements (
    canteen_id BIGINT NOT NULL,
    date       DATE NOT NULL,
    created_at DATETIME(3) NOT NULL,
    PRIMARY KEY (canteen_id, date),
    CONSTRAINT fk_menu_announcements_canteen FOREIGN KEY (canteen_id) REFERENCES canteens (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE dish_ratings (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    dish_id    BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    served_on  DATE NOT NULL,
    score      INT NOT NULL,
    comment    VARCHAR(500) NOT NULL DEFAULT '',
    created_at DATETIME(3) NOT NULL,
    updated_at DATETIME(3) NOT NULL,
    UNIQUE KEY idx_dish_ratings_once (dish_id, user_id, served_on),
    KEY idx_dish_ratings_served_on (served_on),
    CONSTRAINT fk_dish_ratings_dish FOREIGN KEY (dish_id) REFERENCES dishes (id),
    CONSTRAINT fk_dish_ratings_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE meal_registrations (
    id         BIGINT AUTO_INCREMENT PRIMARY KEY,
    canteen_id BIGINT NOT NULL,
    date       DATE NOT NULL,
    meal       VARCHAR(10) NOT NULL,
    user_id    BIGINT NOT NULL,
    user_name  VARCHAR(100) NOT NULL DEFAULT '',
    department VARCHAR(100) NOT NULL DEFAULT '',
    created_at DATETIME(3) NOT NULL,
    UNIQUE KEY idx_meal_registrations_slot (canteen_id, date, meal, user_id),
    KEY idx_meal_registrations_user (user_id, date),
    CONSTRAINT fk_meal_registrations_canteen FOREIGN KEY (canteen_id) REFERENCES canteens (id) ON DELETE CASCADE,
    CONSTRAINT fk_meal_registrations_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- +goose Down
DROP TABLE meal_registrations;
DROP TABLE dish_ratings;
DROP TABLE menu_announcements;
DROP TABLE menu_items;
DROP TABLE menus;
DROP TABLE dishes;
DROP TABLE canteens;
