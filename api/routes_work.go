package api

import (
	"context"
	"errors"
	"time"

	"github.com/gofiber/fiber/v2"

	"houqin/handlers"
	"houqin/models/people"
	"houqin/models/store"
	"houqin/push"
)

// mountWork registers the work-platform bindings and settings.
func (s *Server) mountWork(r fiber.Router) {
	h := handlers.NewWorkAccounts(s.People, s.Notify, s.directories)
	admin := handlers.Require(store.RoleAdmin)
	r.Get("/users/:id/work-accounts", h.List)
	r.Put("/users/:id/work-accounts/:platform", admin, h.Bind)
	r.Delete("/users/:id/work-accounts/:platform", admin, h.Unbind)
	r.Post("/admin/work-accounts/import", admin, h.Import)
	r.Post("/admin/work-accounts/sync", admin, h.Sync)
	r.Get("/admin/work-platforms", admin, h.Settings)
	r.Put("/admin/work-platforms", admin, h.UpdateSettings)

	if len(s.directories) > 0 {
		// Every replica runs it: binding is idempotent, a second run
		// finds nobody left to look up.
		s.jobs = append(s.jobs, Job{Name: "sync work accounts", Every: 24 * time.Hour, Run: func(ctx context.Context) error {
			var errs []error
			for _, p := range people.WorkPlatforms {
				if dir := s.directories[p]; dir != nil {
					rep, err := s.People.SyncWorkAccounts(ctx, p, dir)
					s.Log.Info("work accounts synced", "platform", p, "checked", rep.Checked, "bound", rep.Bound,
						"not_found", rep.NotFound, "failed", rep.Failed)
					errs = append(errs, err)
				}
			}
			return errors.Join(errs...)
		}})
	}
}

// workDirectories are the look-ups by mobile of the configured work
// platforms' senders.
func workDirectories(senders push.Senders) map[people.WorkPlatform]people.Directory {
	dirs := map[people.WorkPlatform]people.Directory{}
	for _, p := range people.WorkPlatforms {
		if d, ok := senders[string(p)].(people.Directory); ok {
			dirs[p] = d
		}
	}
	return dirs
}
