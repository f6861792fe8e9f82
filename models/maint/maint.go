// Package maint is planned maintenance (设施设备巡查保养): the equipment
// registry (assets), maintenance plans on cycles, and the work orders the
// plans generate, which technicians work from their phones. Repairs and the
// parts store are other domains: this package reads their tables through
// SQL where it must (an asset's repair history) and never imports them.
package maint

import "houqin/models/store"

// Service is the package's operations.
type Service struct {
	*store.Store
	photos store.Blobs
}

// New returns the service on s, with photos kept in blobs.
func New(s *store.Store, blobs store.Blobs) *Service { return &Service{Store: s, photos: blobs} }

// AssetKind is what sort of equipment an asset is; plans may cover a kind.
type AssetKind string

// AssetKinds lists the kinds in the order the app offers them.
var AssetKinds = []AssetKind{"air_conditioner", "filter_group", "valve_group", "lift", "fire_extinguisher",
	"fire_system", "pump", "water_tank", "power", "other"}

// Enum lists the kinds (store.Enumerated).
func (AssetKind) Enum() []string { return store.Strings(AssetKinds) }

// kindNames are the Chinese names used in notifications.
var kindNames = map[AssetKind]string{"air_conditioner": "空调机组", "filter_group": "回风滤网", "valve_group": "阀门",
	"lift": "电梯", "fire_extinguisher": "灭火器", "fire_system": "消防系统", "pump": "水泵", "water_tank": "水箱",
	"power": "配电设备", "other": "其他设备"}

// OrderStatus is where a work order stands.
type OrderStatus string

const (
	OrderOpen       OrderStatus = "open"
	OrderInProgress OrderStatus = "in_progress"
	OrderDone       OrderStatus = "done"
	OrderSkipped    OrderStatus = "skipped"
	OrderPostponed  OrderStatus = "postponed"
)

// OrderStatuses lists the statuses in workflow order.
var OrderStatuses = []OrderStatus{OrderOpen, OrderInProgress, OrderDone, OrderSkipped, OrderPostponed}

// Enum lists the statuses (store.Enumerated).
func (OrderStatus) Enum() []string { return store.Strings(OrderStatuses) }

// pending are the statuses of work still to do: they can fall overdue.
var pending = []OrderStatus{OrderOpen, OrderInProgress, OrderPostponed}

// CheckResult is the outcome of one checklist item.
type CheckResult string

const (
	CheckOK      CheckResult = "ok"
	CheckProblem CheckResult = "problem"
)

// CheckResults lists the outcomes.
var CheckResults = []CheckResult{CheckOK, CheckProblem}

// Enum lists the outcomes (store.Enumerated).
func (CheckResult) Enum() []string { return store.Strings(CheckResults) }
