package maint

import (
	"context"
	"slices"
	"time"

	"houqin/models/store"
)

// Asset is one piece of equipment, or a group of like pieces maintained
// together (the return-air filters of one floor) with their Quantity. Its
// Code is what the QR label on it carries.
type Asset struct {
	ID          int64     `gorm:"primaryKey"`
	Code        string    `gorm:"size:40"`
	Name        string    `gorm:"size:100"`
	Kind        AssetKind `gorm:"size:30"`
	Building    string    `gorm:"size:50"`
	Floor       string    `gorm:"size:20"`
	Location    string    `gorm:"size:100"`
	Quantity    int
	InstalledOn *store.Date
	Notes       string `gorm:"size:1000"`
	Active      bool
	PhotoCount  int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// TableName keeps the domain's tables together.
func (Asset) TableName() string { return "maint_assets" }

// Place is where the asset stands, as a repair's location reads.
func (a *Asset) Place() string {
	s := a.Building + a.Floor
	if a.Location != "" {
		s += a.Location
	}
	return s + " " + a.Name + "（" + a.Code + "）"
}

// AssetInput describes a new asset.
type AssetInput struct {
	Code, Name, Building, Floor, Location, Notes string
	Kind                                         AssetKind
	Quantity                                     int
	InstalledOn                                  *store.Date
}

func (in AssetInput) asset() *Asset {
	return &Asset{Code: in.Code, Name: in.Name, Kind: in.Kind, Building: in.Building, Floor: in.Floor,
		Location: in.Location, Quantity: max(in.Quantity, 1), InstalledOn: in.InstalledOn, Notes: in.Notes, Active: true}
}

// CreateAsset registers an asset; its code must be new (409 otherwise).
func (s *Service) CreateAsset(ctx context.Context, in AssetInput) (_ *Asset, err error) {
	defer store.Wrap(&err, "maint create asset")
	a := in.asset()
	err = s.Tx(ctx, func(tx *store.Tx) error { return tx.Create(a).Error })
	return a, err
}

// AssetPatch edits an asset; nil fields stay.
type AssetPatch struct {
	Name, Building, Floor, Location, Notes *string
	Kind                                   *AssetKind
	Quantity                               *int
	InstalledOn                            *store.Date
	Active                                 *bool
}

// UpdateAsset applies p. The code stays: labels are printed with it.
func (s *Service) UpdateAsset(ctx context.Context, id int64, p AssetPatch) (_ *Asset, err error) {
	defer store.Wrap(&err, "maint update asset")
	var a Asset
	err = s.Tx(ctx, func(tx *store.Tx) error {
		if err := tx.ForUpdate().Take(&a, id).Error; err != nil {
			return store.NotFound(err, "asset")
		}
		store.Patch(&a.Name, p.Name)
		store.Patch(&a.Building, p.Building)
		store.Patch(&a.Floor, p.Floor)
		store.Patch(&a.Location, p.Location)
		store.Patch(&a.Notes, p.Notes)
		store.Patch(&a.Kind, p.Kind)
		store.Patch(&a.Quantity, p.Quantity)
		store.Patch(&a.Active, p.Active)
		if p.InstalledOn != nil {
			a.InstalledOn = p.InstalledOn
		}
		return tx.Save(&a).Error
	})
	return &a, err
}

// RepairLine is one repair filed about an asset, read from the repairs
// table (the repair domain owns it).
type RepairLine struct {
	ID          int64
	Ticket      string
	Category    string
	Status      string
	Description string
	WorkOrderID *int64
	CreatedAt   time.Time
	ResolvedAt  *time.Time
}

// AssetDetail is an asset with its repair history and photos.
type AssetDetail struct {
	Asset
	Repairs []RepairLine
	Photos  []Photo
}

// MaxHistory bounds the repair history shown with an asset.
const MaxHistory = 100

// GetAsset returns an asset with its latest repairs, newest first.
func (s *Service) GetAsset(ctx context.Context, id int64) (_ *AssetDetail, err error) {
	defer store.Wrap(&err, "maint get asset")
	db := s.Read(ctx)
	var d AssetDetail
	if err := db.Take(&d.Asset, id).Error; err != nil {
		return nil, store.NotFound(err, "asset")
	}
	d.Repairs = []RepairLine{}
	err = db.Table("repairs").Select("id, ticket, category, status, description, work_order_id, created_at, resolved_at").
		Where("asset_id = ?", id).Order("id DESC").Limit(MaxHistory).Scan(&d.Repairs).Error
	if err != nil {
		return nil, err
	}
	return &d, db.Where("asset_id = ?", id).Order("id").Find(&d.Photos).Error
}

// AssetFilter narrows the asset list; zero fields do not filter.
type AssetFilter struct {
	Kind     AssetKind
	Building string
	// Q matches code, name or location.
	Q      string
	Active *bool
}

// ListAssets returns assets newest first.
func (s *Service) ListAssets(ctx context.Context, f AssetFilter, p store.Page) (_ []Asset, _ string, err error) {
	defer store.Wrap(&err, "maint list assets")
	q := s.Read(ctx).Model(&Asset{})
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	if f.Building != "" {
		q = q.Where("building = ?", f.Building)
	}
	if f.Q != "" {
		like := "%" + f.Q + "%"
		q = q.Where("code LIKE ? OR name LIKE ? OR location LIKE ?", like, like, like)
	}
	if f.Active != nil {
		q = q.Where("active = ?", *f.Active)
	}
	return store.Paginate(q, p, func(a Asset) int64 { return a.ID })
}

// ImportAssets registers every asset of a CSV file in one transaction, or
// none: a bad row, a code already registered or a code twice in the file
// refuses the whole import, each problem named by its line (see
// ParseAssets).
func (s *Service) ImportAssets(ctx context.Context, csv []byte) (n int, err error) {
	defer store.Wrap(&err, "maint import assets")
	rows, lines, err := ParseAssets(csv)
	if err != nil {
		return 0, err
	}
	codes := make([]string, len(rows))
	assets := make([]*Asset, len(rows))
	for i, r := range rows {
		codes[i], assets[i] = r.Code, r.asset()
	}
	err = s.Tx(ctx, func(tx *store.Tx) error {
		taken := map[string]bool{}
		for part := range slices.Chunk(codes, 500) {
			var some []string
			if err := tx.Model(&Asset{}).Where("code IN ?", part).Pluck("code", &some).Error; err != nil {
				return err
			}
			for _, c := range some {
				taken[c] = true
			}
		}
		var bad []store.FieldError
		first := map[string]int{}
		for i, c := range codes {
			switch l, seen := first[c]; {
			case seen:
				bad = append(bad, store.Field(lineField(lines[i], "code"), "repeats the code of line %d", l))
			case taken[c]:
				bad = append(bad, store.Field(lineField(lines[i], "code"), "%s is already registered", c))
			}
			if _, seen := first[c]; !seen {
				first[c] = lines[i]
			}
		}
		if len(bad) > 0 {
			return store.Invalid(bad...)
		}
		return tx.CreateInBatches(assets, 200).Error
	})
	if err != nil {
		return 0, err
	}
	return len(assets), nil
}
