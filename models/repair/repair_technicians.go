package repair

import (
	"context"

	"houqin/models/people"
	"houqin/models/store"
)

// TechnicianLoad is an active technician with the jobs they hold now, so
// the desk can assign to whoever has room.
type TechnicianLoad struct {
	people.User
	// Assigned and InProgress count the technician's requests in those
	// statuses; their sum is the open load.
	Assigned, InProgress int
}

// Technicians lists active technicians by id, newest first, with their
// current load.
func (s *Service) Technicians(ctx context.Context, p store.Page) (_ []TechnicianLoad, _ string, err error) {
	defer store.Wrap(&err, "repair technicians")
	db := s.Read(ctx)
	users, next, err := store.Paginate[people.User](people.ActiveWithRole(db, store.RoleTechnician), p,
		func(u people.User) int64 { return u.ID })
	if err != nil || len(users) == 0 {
		return nil, next, err
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	var counts []struct {
		TechnicianID int64
		Status       RepairStatus
		N            int
	}
	err = db.Model(&Repair{}).Select("technician_id, status, COUNT(*) AS n").
		Where("technician_id IN ? AND status IN ?", ids, []RepairStatus{RepairAssigned, RepairInProgress}).
		Group("technician_id, status").Scan(&counts).Error
	if err != nil {
		return nil, "", err
	}
	out := make([]TechnicianLoad, len(users))
	at := make(map[int64]*TechnicianLoad, len(users))
	for i, u := range users {
		u.PasswordHash = ""
		out[i] = TechnicianLoad{User: u}
		at[u.ID] = &out[i]
	}
	for _, c := range counts {
		if c.Status == RepairAssigned {
			at[c.TechnicianID].Assigned = c.N
		} else {
			at[c.TechnicianID].InProgress = c.N
		}
	}
	return out, next, nil
}
