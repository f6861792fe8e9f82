// Package complaint is the complaints and suggestions box (投诉意见箱):
// staff file, the desk routes to a team, the team replies, and the filer
// accepts the reply or reopens it once. A filer who asks to stay anonymous
// is never named to the team.
package complaint

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

// Area is the service a complaint is about.
type Area string

const (
	AreaCanteen     Area = "canteen"
	AreaShuttle     Area = "shuttle"
	AreaMeetings    Area = "meetings"
	AreaRepairs     Area = "repairs"
	AreaEnvironment Area = "environment"
	AreaOther       Area = "other"
)

// Areas lists the areas in display order.
var Areas = []Area{AreaCanteen, AreaShuttle, AreaMeetings, AreaRepairs, AreaEnvironment, AreaOther}

// Enum lists the areas (store.Enumerated).
func (Area) Enum() []string { return store.Strings(Areas) }

// Kind tells a complaint from a suggestion.
type Kind string

const (
	KindComplaint  Kind = "complaint"
	KindSuggestion Kind = "suggestion"
)

// Kinds lists the kinds.
var Kinds = []Kind{KindComplaint, KindSuggestion}

// Enum lists the kinds (store.Enumerated).
func (Kind) Enum() []string { return store.Strings(Kinds) }

// LinkKind names what a complaint may point at.
type LinkKind string

const (
	LinkRepair  LinkKind = "repair"
	LinkBooking LinkKind = "booking"
	LinkTrip    LinkKind = "trip"
	LinkDish    LinkKind = "dish"
)

// LinkKinds lists the kinds of link.
var LinkKinds = []LinkKind{LinkRepair, LinkBooking, LinkTrip, LinkDish}

// Enum lists the kinds of link (store.Enumerated).
func (LinkKind) Enum() []string { return store.Strings(LinkKinds) }

// Status is where a complaint stands.
type Status string

const (
	StatusSubmitted Status = "submitted" // at the desk
	StatusRouted    Status = "routed"    // with a team, awaiting its reply
	StatusReplied   Status = "replied"   // awaiting the filer
	StatusReopened  Status = "reopened"  // the filer was not satisfied: with the team again
	StatusAccepted  Status = "accepted"  // closed: the filer accepted the reply
)

// Statuses lists the statuses in workflow order.
var Statuses = []Status{StatusSubmitted, StatusRouted, StatusReplied, StatusReopened, StatusAccepted}

// Enum lists the statuses (store.Enumerated).
func (Status) Enum() []string { return store.Strings(Statuses) }

// awaitingReply are the statuses whose reply is promised by DueAt.
var awaitingReply = []Status{StatusSubmitted, StatusRouted, StatusReopened}

// Complaint is one complaint or suggestion.
type Complaint struct {
	ID                int64 `gorm:"primaryKey"`
	FilerID           int64
	Area              Area   `gorm:"size:20"`
	Kind              Kind   `gorm:"size:20"`
	Text              string `gorm:"size:2000"`
	Anonymous         bool
	Urgent            bool
	LinkKind          LinkKind `gorm:"size:10"`
	LinkID            *int64
	TeamID            *int64
	Status            Status `gorm:"size:10"`
	DueAt             time.Time
	Reply             string `gorm:"size:2000"`
	RepliedAt         *time.Time
	Reopened          bool
	ReopenReason      string `gorm:"size:500"`
	ClosedAt          *time.Time
	OverdueNotifiedAt *time.Time
	PhotoCount        int
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Photo is an image the filer attached, its bytes in the blob store.
type Photo struct {
	ID          int64 `gorm:"primaryKey"`
	ComplaintID int64
	UploaderID  int64
	ContentType string `gorm:"size:50"`
	Size        int64
	StorageKey  string `gorm:"size:100"`
	CreatedAt   time.Time
}

// TableName names the photos table.
func (Photo) TableName() string { return "complaint_photos" }
