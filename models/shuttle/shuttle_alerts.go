package shuttle

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"gorm.io/gorm/clause"

	"houqin/models/notify"
	"houqin/models/store"
)

// shuttleAlertTTL is how long a shuttle push is worth delivering.
const shuttleAlertTTL = time.Hour

// tripLabel names a trip for people: "政法班车 07:20".
func tripLabel(t *ShuttleTrip, r *ShuttleRoute, loc *time.Location) string {
	return r.Name + " " + t.DepartureAt.In(loc).Format("15:04")
}

// tripData is the deep link of a trip's notifications.
func tripData(t *ShuttleTrip) notify.StringMap {
	return notify.StringMap{"type": "shuttle_trip", "id": strconv.FormatInt(t.ID, 10), "status": string(t.Status),
		"route_id": strconv.FormatInt(t.RouteID, 10)}
}

// tripNotice is a high-priority shuttle push; the collapse key keeps only
// the latest news of one trip on a phone.
func tripNotice(t *ShuttleTrip, typ, title, body string) notify.Notice {
	return notify.Notice{Category: notify.CategoryShuttle, Type: typ, Title: title, Body: body, Data: tripData(t),
		High: true, CollapseKey: fmt.Sprintf("shuttle-trip-%d", t.ID), TTL: shuttleAlertTTL}
}

// alertFollowers tells a route's followers about a departure, a delay worth
// hearing about or a cancellation (stop followers of the route hear about
// cancellations too). Positions never alert route followers.
func alertFollowers(tx *store.Tx, t *ShuttleTrip, statusChanged, delayAlert bool) error {
	cancelled := statusChanged && t.Status == TripCancelled
	departed := statusChanged && t.Status == TripDeparted
	if !cancelled && !departed && !delayAlert {
		return nil
	}
	var r ShuttleRoute
	if err := tx.Take(&r, t.RouteID).Error; err != nil {
		return err
	}
	var users []int64
	if err := tx.Model(&ShuttleRouteFollow{}).Where("route_id = ?", t.RouteID).Pluck("user_id", &users).Error; err != nil {
		return err
	}
	label := tripLabel(t, &r, tx.Location())
	var n notify.Notice
	switch {
	case cancelled:
		var stopUsers []int64
		if err := tx.Model(&ShuttleStopFollow{}).Where("route_id = ?", t.RouteID).Pluck("user_id", &stopUsers).Error; err != nil {
			return err
		}
		users = append(users, stopUsers...)
		n = tripNotice(t, "shuttle.cancelled", label+" 班次取消", "取消原因："+t.Reason)
	case departed:
		body := "班车已从首站发车"
		if t.DelayMinutes > 0 {
			body += fmt.Sprintf("，晚点约%d分钟", t.DelayMinutes)
		}
		n = tripNotice(t, "shuttle.departed", label+" 已发车", body)
	default:
		body := "请留意发车时间"
		if t.Reason != "" {
			body = "原因：" + t.Reason
		}
		n = tripNotice(t, "shuttle.delayed", fmt.Sprintf("%s 晚点约%d分钟", label, t.DelayMinutes), body)
	}
	return notify.Notify(tx, n, users...)
}

// stopAlerts checks t against its route's stop followers.
func stopAlerts(tx *store.Tx, t *ShuttleTrip) error {
	if t.Status != TripBoarding && t.Status != TripDeparted {
		return nil
	}
	stops, err := routeStops(tx, t.RouteID)
	if err != nil {
		return err
	}
	return stopAlertsWith(tx, t, stops)
}

// stopAlertsWith pushes each stop follower once per trip when the trip's
// estimated arrival at their stop is within their minutes_before. Every
// caller holds the trip's row lock, so the check for an earlier alert row
// and the insert of a new one cannot interleave with another request or
// replica; the alert's primary key backs this up.
func stopAlertsWith(tx *store.Tx, t *ShuttleTrip, stops []ShuttleStop) error {
	if t.Status != TripBoarding && t.Status != TripDeparted {
		return nil
	}
	var follows []ShuttleStopFollow
	err := tx.Where("route_id = ? AND NOT EXISTS (SELECT 1 FROM shuttle_stop_alerts a WHERE a.trip_id = ? "+
		"AND a.user_id = shuttle_stop_follows.user_id AND a.stop_id = shuttle_stop_follows.stop_id)", t.RouteID, t.ID).
		Find(&follows).Error
	if err != nil || len(follows) == 0 {
		return err
	}
	etas := EstimateTrip(t, stops, tx.Now)
	var r *ShuttleRoute
	for _, f := range follows {
		var e *StopETA
		for i := range etas {
			if etas[i].Stop.ID == f.StopID {
				e = &etas[i]
			}
		}
		if e == nil || e.ETA == nil || e.ETA.Sub(tx.Now) > time.Duration(f.MinutesBefore)*time.Minute {
			continue
		}
		if err := tx.Create(&ShuttleStopAlert{TripID: t.ID, UserID: f.UserID, StopID: f.StopID}).Error; err != nil {
			return err
		}
		if r == nil {
			r = &ShuttleRoute{}
			if err := tx.Take(r, t.RouteID).Error; err != nil {
				return err
			}
		}
		mins := int(math.Ceil(e.ETA.Sub(tx.Now).Minutes()))
		body := fmt.Sprintf("预计约%d分钟后到达%s", mins, e.Stop.Name)
		if mins <= 1 {
			body = "即将到达" + e.Stop.Name
		}
		n := tripNotice(t, "shuttle.approaching", tripLabel(t, r, tx.Location())+" 即将到站", body)
		n.Data["stop_id"] = strconv.FormatInt(f.StopID, 10)
		if err := notify.Notify(tx, n, f.UserID); err != nil {
			return err
		}
	}
	return nil
}

// SweepStopAlerts checks today's running trips against stop
// followers, so that a bus whose phone sends no positions still alerts
// from the timetable, the delay and its departure time.
func (s *Service) SweepStopAlerts(ctx context.Context) (err error) {
	defer store.Wrap(&err, "shuttle sweep stop alerts")
	var ids []int64
	err = s.Read(ctx).Model(&ShuttleTrip{}).
		Where("service_date = ? AND status IN ?", s.Today(), []TripStatus{TripBoarding, TripDeparted}).
		Where("EXISTS (SELECT 1 FROM shuttle_stop_follows f WHERE f.route_id = shuttle_trips.route_id)").
		Pluck("id", &ids).Error
	if err != nil {
		return err
	}
	for _, id := range ids {
		err := s.Tx(ctx, func(tx *store.Tx) error {
			var t ShuttleTrip
			if err := tx.ForUpdate().Take(&t, id).Error; err != nil {
				return err
			}
			return stopAlerts(tx, &t)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// activeRoute finds a route riders can see: an inactive one is not found,
// as in the route list and timetable, so it cannot be followed either.
func activeRoute(tx *store.Tx, id int64) error {
	var r ShuttleRoute
	if err := tx.Select("id", "active").Take(&r, id).Error; err != nil {
		return store.NotFound(err, "route")
	}
	if !r.Active {
		return store.ErrNotFound("route")
	}
	return nil
}

// FollowRoute subscribes a user to an active route's alerts (idempotent).
func (s *Service) FollowRoute(ctx context.Context, userID, routeID int64) (err error) {
	defer store.Wrap(&err, "shuttle follow route")
	return s.Tx(ctx, func(tx *store.Tx) error {
		if err := activeRoute(tx, routeID); err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&ShuttleRouteFollow{UserID: userID, RouteID: routeID}).Error
	})
}

// UnfollowRoute ends a route subscription; it is no error if there was none.
func (s *Service) UnfollowRoute(ctx context.Context, userID, routeID int64) (err error) {
	defer store.Wrap(&err, "shuttle unfollow route")
	return s.Tx(ctx, func(tx *store.Tx) error {
		return tx.Where("user_id = ? AND route_id = ?", userID, routeID).Delete(&ShuttleRouteFollow{}).Error
	})
}

// FollowStop subscribes a user to "the next bus is minutesBefore from my
// stop" (of an active route), or changes the minutes of an existing subscription.
func (s *Service) FollowStop(ctx context.Context, userID, stopID int64, minutesBefore int) (_ *ShuttleStopFollow, err error) {
	defer store.Wrap(&err, "shuttle follow stop")
	f := &ShuttleStopFollow{UserID: userID, StopID: stopID, MinutesBefore: minutesBefore}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		var st ShuttleStop
		if err := tx.Take(&st, stopID).Error; err != nil {
			return store.NotFound(err, "stop")
		}
		if activeRoute(tx, st.RouteID) != nil {
			return store.ErrNotFound("stop")
		}
		f.RouteID = st.RouteID
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "user_id"}, {Name: "stop_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"minutes_before", "updated_at"}),
		}).Create(f).Error
	})
	return f, err
}

// UnfollowStop ends a stop subscription; it is no error if there was none.
func (s *Service) UnfollowStop(ctx context.Context, userID, stopID int64) (err error) {
	defer store.Wrap(&err, "shuttle unfollow stop")
	return s.Tx(ctx, func(tx *store.Tx) error {
		return tx.Where("user_id = ? AND stop_id = ?", userID, stopID).Delete(&ShuttleStopFollow{}).Error
	})
}

// Follows returns what a user follows.
func (s *Service) Follows(ctx context.Context, userID int64) (_ []ShuttleRouteFollow, _ []ShuttleStopFollow, err error) {
	defer store.Wrap(&err, "shuttle follows")
	var routes []ShuttleRouteFollow
	var stops []ShuttleStopFollow
	db := s.Read(ctx)
	if err := db.Where("user_id = ?", userID).Order("route_id").Find(&routes).Error; err != nil {
		return nil, nil, err
	}
	return routes, stops, db.Where("user_id = ?", userID).Order("stop_id").Find(&stops).Error
}
