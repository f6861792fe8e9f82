// Package inspect is the inspection group's work (督查): inspections of the
// buildings on and off hours, the problems each finds, assigned to the
// team that answers for them, chased to a deadline and checked once fixed.
package inspect

import (
	"time"

	"houqin/models/store"
)

// Service is the package's operations on the store; photos go to Blobs.
type Service struct {
	*store.Store
	photos store.Blobs
}

// New returns the service on s with photos in blobs.
func New(s *store.Store, blobs store.Blobs) *Service { return &Service{Store: s, photos: blobs} }

// Kind tells a planned round from a spot check.
type Kind string

const (
	KindPlanned Kind = "planned"
	KindSpot    Kind = "spot"
)

// Kinds lists the inspection kinds.
var Kinds = []Kind{KindPlanned, KindSpot}

// Enum lists the kinds (store.Enumerated).
func (Kind) Enum() []string { return store.Strings(Kinds) }

// Inspection is one walk through a place by an inspector.
type Inspection struct {
	ID          int64 `gorm:"primaryKey"`
	InspectorID int64
	At          time.Time
	Building    string `gorm:"size:50"`
	Floor       string `gorm:"size:20"`
	Area        string `gorm:"size:100"`
	Kind        Kind   `gorm:"size:10"`
	OffHours    bool
	Note        string `gorm:"size:1000"`
	CreatedAt   time.Time
}

// Status is where a problem stands.
type Status string

const (
	StatusOpen     Status = "open"
	StatusFixed    Status = "fixed"
	StatusVerified Status = "verified"
	StatusSentBack Status = "sent_back"
)

// Statuses lists the problem statuses in workflow order.
var Statuses = []Status{StatusOpen, StatusFixed, StatusVerified, StatusSentBack}

// Enum lists the statuses (store.Enumerated).
func (Status) Enum() []string { return store.Strings(Statuses) }

// pending are the statuses in which a problem waits for its team.
var pending = []Status{StatusOpen, StatusSentBack}

// Problem is one thing an inspection found, for one team to fix by its
// deadline.
type Problem struct {
	ID                int64 `gorm:"primaryKey"`
	InspectionID      int64
	Description       string `gorm:"size:1000"`
	TeamID            int64
	Deadline          time.Time
	Status            Status `gorm:"size:10"`
	FixNote           string `gorm:"size:1000"`
	FixedByID         *int64
	FixedAt           *time.Time
	VerifiedByID      *int64
	VerifiedAt        *time.Time
	SendBackReason    string `gorm:"size:500"`
	OverdueNotifiedAt *time.Time
	PhotoCount        int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// TableName names the problems table.
func (Problem) TableName() string { return "inspection_problems" }

// Overdue reports whether the problem still waits for its team past its
// deadline.
func (p *Problem) Overdue(now time.Time) bool {
	return (p.Status == StatusOpen || p.Status == StatusSentBack) && now.After(p.Deadline)
}

// Stage tells the inspector's photos of a problem from the team's evidence
// of the fix.
type Stage string

const (
	StageFound Stage = "found"
	StageFixed Stage = "fixed"
)

// Photo is an image of a problem, its bytes in the blob store.
type Photo struct {
	ID          int64 `gorm:"primaryKey"`
	ProblemID   int64
	UploaderID  int64
	Stage       Stage  `gorm:"size:10"`
	ContentType string `gorm:"size:50"`
	Size        int64
	StorageKey  string `gorm:"size:100"`
	CreatedAt   time.Time
}

// TableName names the photos table.
func (Photo) TableName() string { return "inspection_photos" }
