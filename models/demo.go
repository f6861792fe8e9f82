package models

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// DemoLogin is one demo account, printed at start so people can try the app.
type DemoLogin struct {
	Username, Password string
	Roles              Roles
}

// DemoUsers maps each demo username (named after its role) to its id, for
// the domain seeders.
type DemoUsers map[string]int64

// demoSeeders add each domain's demo records inside the demo transaction.
// A domain adds its seeder here.
var demoSeeders []func(tx *Tx, users DemoUsers) error

var demoPeople = []struct {
	role       Role
	name, dept string
	phone      string
}{
	{RoleAdmin, "陈志远", "区机关事务管理局", "86310001"},
	{RoleStaff, "王晓燕", "区发展和改革局", "86310102"},
	{RoleDriver, "李建国", "后勤服务中心车队", "86310203"},
	{RoleCanteenAdmin, "张玉梅", "机关食堂", "86310304"},
	{RoleMeetingAdmin, "刘婷", "会务服务科", "86310405"},
	{RoleDispatcher, "周敏", "报修服务台", "86310037"},
	{RoleTechnician, "赵师傅", "物业维修班", "86310506"},
}

// LoadDemo creates one user per role and every domain's demo records. It does
// nothing (but list the logins) when the demo admin already exists.
func (s *Store) LoadDemo(ctx context.Context, password string) ([]DemoLogin, error) {
	logins := make([]DemoLogin, 0, len(demoPeople))
	for _, p := range demoPeople {
		roles, _ := ParseRoles([]string{string(p.role)})
		logins = append(logins, DemoLogin{Username: string(p.role), Password: password, Roles: roles})
	}
	err := s.Read(ctx).Where("username = ?", "admin").Take(&User{}).Error
	if err == nil {
		return logins, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		users := DemoUsers{}
		for i, p := range demoPeople {
			u := User{Username: logins[i].Username, Name: p.name, Department: p.dept, Phone: p.phone,
				Roles: logins[i].Roles, Active: true, PasswordHash: hash}
			if err := tx.Create(&u).Error; err != nil {
				return err
			}
			users[u.Username] = u.ID
		}
		for _, seed := range demoSeeders {
			if err := seed(tx, users); err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
		}
		return nil
	})
	return logins, err
}
