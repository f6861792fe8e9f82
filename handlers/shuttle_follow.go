package handlers

import (
	"github.com/gofiber/fiber/v2"
)

type stopFollowOut struct {
	StopID        int64 `json:"stop_id"`
	RouteID       int64 `json:"route_id"`
	MinutesBefore int   `json:"minutes_before"`
}

type followsOut struct {
	Routes []int64         `json:"route_ids"`
	Stops  []stopFollowOut `json:"stops"`
}

// ShuttleFollows lists the routes and stops the caller follows.
func (h *Shuttle) ShuttleFollows(c *fiber.Ctx) error {
	routes, stops, err := h.svc.Follows(c.UserContext(), UserFrom(c).ID)
	if err != nil {
		return err
	}
	out := followsOut{Routes: make([]int64, len(routes)), Stops: make([]stopFollowOut, len(stops))}
	for i, r := range routes {
		out.Routes[i] = r.RouteID
	}
	for i, s := range stops {
		out.Stops[i] = stopFollowOut{StopID: s.StopID, RouteID: s.RouteID, MinutesBefore: s.MinutesBefore}
	}
	return c.JSON(out)
}

// FollowRoute subscribes the caller to a route's departures, delays and
// cancellations (idempotent).
func (h *Shuttle) FollowRoute(c *fiber.Ctx) error {
	id, err := ParamID(c, "route_id")
	if err != nil {
		return err
	}
	if err := h.svc.FollowRoute(c.UserContext(), UserFrom(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// UnfollowRoute ends a route subscription (idempotent).
func (h *Shuttle) UnfollowRoute(c *fiber.Ctx) error {
	id, err := ParamID(c, "route_id")
	if err != nil {
		return err
	}
	if err := h.svc.UnfollowRoute(c.UserContext(), UserFrom(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type followStopRequest struct {
	MinutesBefore int `json:"minutes_before" validate:"required,gte=1,lte=60"`
}

// FollowStop asks for a push when the next bus is minutes_before from the
// stop; repeating it changes the minutes.
func (h *Shuttle) FollowStop(c *fiber.Ctx) error {
	id, err := ParamID(c, "stop_id")
	if err != nil {
		return err
	}
	var req followStopRequest
	if err := Decode(c, &req); err != nil {
		return err
	}
	f, err := h.svc.FollowStop(c.UserContext(), UserFrom(c).ID, id, req.MinutesBefore)
	if err != nil {
		return err
	}
	return c.JSON(stopFollowOut{StopID: f.StopID, RouteID: f.RouteID, MinutesBefore: f.MinutesBefore})
}

// UnfollowStop ends a stop subscription (idempotent).
func (h *Shuttle) UnfollowStop(c *fiber.Ctx) error {
	id, err := ParamID(c, "stop_id")
	if err != nil {
		return err
	}
	if err := h.svc.UnfollowStop(c.UserContext(), UserFrom(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
