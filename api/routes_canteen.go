package api

import (
	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/store"
)

// mountCanteen registers the canteen: canteens, dishes, menus, ratings and
// meal registration (报餐). Reads are open to every signed-in user; changes
// belong to canteen admins.
func (s *Server) mountCanteen(r fiber.Router) {
	h := handlers.NewCanteen(s.Canteen)
	s.menus = h
	admin := handlers.Require(store.RoleCanteenAdmin)

	r.Get("/canteens", h.ListCanteens)
	r.Post("/canteens", admin, h.CreateCanteen)
	r.Patch("/canteens/:id", admin, h.UpdateCanteen)

	r.Get("/canteens/:id/menus", h.Menus)
	r.Post("/canteens/:id/menus/copy", admin, h.CopyMenus)
	r.Put("/canteens/:id/menus/:date/:meal", admin, h.SaveMenu)
	r.Post("/canteens/:id/menus/:date/:meal/publish", admin, h.PublishMenu)
	r.Patch("/canteens/:id/menus/:date/:meal/items/:dish_id", admin, h.SetSoldOut)

	r.Get("/canteens/:id/registrations", admin, h.ListRegistrations)
	r.Get("/canteens/:id/registrations/summary", admin, h.RegistrationSummary)
	r.Get("/canteens/:id/registrations/mine", h.MyRegistrations)
	r.Put("/canteens/:id/registrations/:date/:meal", h.RegisterMeal)
	r.Delete("/canteens/:id/registrations/:date/:meal", h.UnregisterMeal)

	r.Get("/dishes", h.ListDishes)
	r.Post("/dishes", admin, h.CreateDish)
	r.Get("/dishes/:id", h.GetDish)
	r.Patch("/dishes/:id", admin, h.UpdateDish)
	r.Delete("/dishes/:id", admin, h.DeleteDish)
	r.Post("/dishes/:id/ratings", h.RateDish)

	r.Get("/dish-ratings", admin, h.ListRatings)
	r.Get("/dish-ratings/summary", admin, h.DishRatingSummary)
}
