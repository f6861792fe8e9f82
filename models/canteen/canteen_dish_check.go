package canteen

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"houqin/models/store"
)

// Limits of a dish's fields, the same for the JSON API and the console.
const (
	maxDishName      = 100
	maxDishPrice     = 1000000
	maxDishAllergens = 10
	maxAllergen      = 20
	maxSpicyLevel    = 3
	maxCalories      = 10000
	maxImageURL      = 500
)

// check enforces what a saved dish must hold, whoever saves it: the rules
// live here once, so the API and the console refuse the same things.
func (d *Dish) check() error {
	var errs []store.FieldError
	atMost := func(field string, n, most int) {
		if n < 0 {
			errs = append(errs, store.Field(field, "must be at least %s", "0"))
		} else if n > most {
			errs = append(errs, store.Field(field, "must be at most %s", strconv.Itoa(most)))
		}
	}
	switch {
	case d.Name == "":
		errs = append(errs, store.Field("name", "must not be blank"))
	case utf8.RuneCountInString(d.Name) > maxDishName:
		errs = append(errs, store.Field("name", "must be at most %s characters", strconv.Itoa(maxDishName)))
	}
	if !slices.Contains(DishCategories, d.Category) {
		errs = append(errs, store.Field("category", "must be one of: %s", strings.Join(store.Strings(DishCategories), ", ")))
	}
	atMost("price_cents", d.PriceCents, maxDishPrice)
	atMost("spicy_level", d.SpicyLevel, maxSpicyLevel)
	if d.Calories != nil {
		atMost("calories", *d.Calories, maxCalories)
	}
	if len(d.Allergens) > maxDishAllergens {
		errs = append(errs, store.Field("allergens", "must have at most %s items", strconv.Itoa(maxDishAllergens)))
	}
	for _, a := range d.Allergens {
		if e, bad := allergenProblem(a); bad {
			errs = append(errs, e)
			break
		}
	}
	if d.ImageURL != "" {
		u, err := url.Parse(d.ImageURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(d.ImageURL) > maxImageURL {
			errs = append(errs, store.Field("image_url", "must be a web address such as https://example.com"))
		}
	}
	if len(errs) > 0 {
		return store.Invalid(errs...)
	}
	return nil
}

// allergenProblem says what is wrong with one allergen word, if anything
// (the list is stored comma-separated).
func allergenProblem(a string) (store.FieldError, bool) {
	switch {
	case a == "":
		return store.Field("allergens", "must be at least %s characters", "1"), true
	case utf8.RuneCountInString(a) > maxAllergen:
		return store.Field("allergens", "must be at most %s characters", strconv.Itoa(maxAllergen)), true
	case strings.Contains(a, ","):
		return store.Field("allergens", "must not contain any of the characters %q", ","), true
	}
	return store.FieldError{}, false
}
