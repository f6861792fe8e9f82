// Package demo seeds one account per role and a few weeks of believable
// records in every service, so a fresh install can be tried at once.
package demo

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"houqin/models/people"
	"houqin/models/store"
)

// Login is one demo account, printed at start so people can try the app.
type Login struct {
	Username, Password string
	Roles              store.Roles
}

// Users maps each demo username (named after its role) to its id, for
// the domain seeders.
type Users map[string]int64

// seeders add each domain's demo records inside the demo transaction.
var seeders = []func(tx *store.Tx, users Users) error{
	seedAnnouncements, seedCanteen, seedMeetings, seedPush, seedRepairs, seedShuttle, seedStock, seedMaint, seedTeams, seedInspections, seedComplaints,
}

var demoPeople = []struct {
	role       store.Role
	name, dept string
	phone      string
}{
	{store.RoleAdmin, "陈志远", "区机关事务管理局", "86310001"},
	{store.RoleStaff, "王晓燕", "区发展和改革局", "86310102"},
	{store.RoleDriver, "李建国", "后勤服务中心车队", "86310203"},
	{store.RoleCanteenAdmin, "张玉梅", "机关食堂", "86310304"},
	{store.RoleMeetingAdmin, "刘婷", "会务服务科", "86310405"},
	{store.RoleDispatcher, "周敏", "报修服务台", "86310037"},
	{store.RoleTechnician, "赵师傅", "物业维修班", "86310506"},
	{store.RoleStorekeeper, "孙建华", "后勤物资仓库", "86310607"},
	{store.RoleInspector, "吴国平", "后勤服务中心督查组", "86310708"},
}

// Load creates one user per role and every domain's demo records. It does
// nothing (but list the logins) when the demo admin already exists.
func Load(ctx context.Context, s *store.Store, password string) ([]Login, error) {
	logins := make([]Login, 0, len(demoPeople))
	for _, p := range demoPeople {
		roles, _ := store.ParseRoles([]string{string(p.role)})
		logins = append(logins, Login{Username: string(p.role), Password: password, Roles: roles})
	}
	err := s.Read(ctx).Where("username = ?", "admin").Take(&people.User{}).Error
	if err == nil {
		return logins, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	hash, err := people.HashPassword(password)
	if err != nil {
		return nil, err
	}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		users := Users{}
		for i, p := range demoPeople {
			u := people.User{Username: logins[i].Username, Name: p.name, Department: p.dept, Phone: p.phone,
				Roles: logins[i].Roles, Active: true, PasswordHash: hash}
			if err := tx.Create(&u).Error; err != nil {
				return err
			}
			users[u.Username] = u.ID
		}
		for _, seed := range seeders {
			if err := seed(tx, users); err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
		}
		return nil
	})
	return logins, err
}
