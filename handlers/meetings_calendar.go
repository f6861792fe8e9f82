package handlers

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/gofiber/fiber/v2"

	"houqin/models/meeting"
)

type calendarFeedResponse struct {
	URL string `json:"url"`
}

// RotateCalendarFeed gives the caller a new private iCalendar URL; the old
// one stops working.
func (h *Meetings) RotateCalendarFeed(c *fiber.Ctx) error {
	token, err := h.svc.RotateCalendarFeed(c.UserContext(), UserFrom(c).ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(calendarFeedResponse{URL: h.baseURL + "/api/v1/calendar/" + token})
}

// RevokeCalendarFeed turns the caller's calendar URL off.
func (h *Meetings) RevokeCalendarFeed(c *fiber.Ctx) error {
	if err := h.svc.RevokeCalendarFeed(c.UserContext(), UserFrom(c).ID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// CalendarFeed serves a user's bookings as iCalendar (RFC 5545). Calendar
// apps cannot send headers, so the secret token in the path authenticates.
func (h *Meetings) CalendarFeed(c *fiber.Ctx) error {
	rows, err := h.svc.FeedBookings(c.UserContext(), strings.Clone(c.Params("token")))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/calendar; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "private, max-age=300")
	// RFC 5545 lines end in CRLF.
	return c.SendString(h.icalendar(rows).Serialize(ics.WithNewLine("\r\n")))
}

func (h *Meetings) icalendar(rows []meeting.Booking) *ics.Calendar {
	cal := ics.NewCalendar()
	cal.SetProductId("-//Houqin//Meeting rooms//ZH")
	cal.SetMethod(ics.MethodPublish)
	cal.SetCalscale("GREGORIAN")
	cal.SetXWRCalName("会议室预约")
	loc := h.svc.Location
	tzid, offset, fixed := loc.String(), "", hasFixedOffset(loc)
	if fixed {
		// The site zone (Asia/Shanghai) has no daylight saving time, so one
		// STANDARD rule describes it completely.
		name, secs := time.Now().In(loc).Zone()
		offset = fmt.Sprintf("%+03d%02d", secs/3600, (abs(secs)%3600)/60)
		cal.SetXWRTimezone(tzid)
		tz := cal.AddTimezone(tzid)
		std := tz.AddStandard()
		std.AddProperty(ics.ComponentPropertyDtStart, "19700101T000000")
		std.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), offset)
		std.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), offset)
		std.AddProperty(ics.ComponentProperty(ics.PropertyTzname), name)
	}
	for _, b := range rows {
		ev := cal.AddEvent(fmt.Sprintf("booking-%d@houqin", b.ID))
		ev.SetDtStampTime(b.UpdatedAt)
		ev.SetLastModifiedAt(b.UpdatedAt)
		if fixed {
			ev.SetProperty(ics.ComponentPropertyDtStart, b.StartAt.In(loc).Format("20060102T150405"), ics.WithTZID(tzid))
			ev.SetProperty(ics.ComponentPropertyDtEnd, b.EndAt.In(loc).Format("20060102T150405"), ics.WithTZID(tzid))
		} else {
			ev.SetStartAt(b.StartAt)
			ev.SetEndAt(b.EndAt)
		}
		ev.SetSummary(b.Title)
		if b.Room != nil {
			ev.SetLocation(b.Room.Name)
		}
		if b.Note != "" {
			ev.SetDescription(b.Note)
		}
		if b.Status == meeting.BookingApproved {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		} else {
			ev.SetStatus(ics.ObjectStatusTentative)
		}
	}
	return cal
}

// hasFixedOffset reports whether loc keeps one UTC offset all year.
func hasFixedOffset(loc *time.Location) bool {
	y := time.Now().Year()
	_, jan := time.Date(y, 1, 1, 0, 0, 0, 0, loc).Zone()
	_, jul := time.Date(y, 7, 1, 0, 0, 0, 0, loc).Zone()
	return jan == jul
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
