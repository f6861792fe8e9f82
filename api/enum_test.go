package api_test

import (
	"slices"
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/models/assess"
	"houqin/models/canteen"
	"houqin/models/complaint"
	"houqin/models/inspect"
	"houqin/models/maint"
	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/repair"
	"houqin/models/shuttle"
	"houqin/models/stock"
	"houqin/models/store"
	"houqin/models/team"
)

// TestEnumsMatchTheDocument fails when a list written once in Go (roles,
// repair categories, dish categories, …) and the OpenAPI enum that
// documents it differ, in values or order. Keys name a component schema,
// or a property of one as Schema.property.
func TestEnumsMatchTheDocument(t *testing.T) {
	doc, _ := apitest.Contract(t)
	for name, e := range map[string]store.Enumerated{
		"Role":                     store.Role(""),
		"NotificationCategory":     notify.Category(""),
		"PushProviderName":         notify.Provider(""),
		"RepairCategory":           repair.Category(""),
		"RepairStatus":             repair.RepairStatus(""),
		"RepairPriority":           repair.Priority(""),
		"Meal":                     canteen.Meal(""),
		"DishCategory":             canteen.DishCategory(""),
		"ShuttleTrip.status":       shuttle.TripStatus(""),
		"TripStatusRequest.status": shuttle.TripStatus(""),
		"StockMoveKind":            stock.MoveKind(""),
		"WorkPlatform":             people.WorkPlatform(""),
		"WorkRouting":              notify.WorkRouting(""),
		"AssetKind":                maint.AssetKind(""),
		"CycleUnit":                maint.CycleUnit(""),
		"WorkOrderStatus":          maint.OrderStatus(""),
		"CheckResult":              maint.CheckResult(""),
		"TeamAreaKind":             team.AreaKind(""),
		"InspectionKind":           inspect.Kind(""),
		"InspectionProblemStatus":  inspect.Status(""),
		"ComplaintArea":            complaint.Area(""),
		"ComplaintKind":            complaint.Kind(""),
		"ComplaintStatus":          complaint.Status(""),
		"ComplaintLinkKind":        complaint.LinkKind(""),
		"AssessmentIndicator":      assess.Indicator(""),
	} {
		schemaName, prop, _ := strings.Cut(name, ".")
		ref := doc.Components.Schemas[schemaName]
		if ref == nil {
			t.Errorf("%s: no such schema in openapi.yaml", name)
			continue
		}
		s := ref.Value
		if prop != "" {
			if s.Properties[prop] == nil {
				t.Errorf("%s: no such property in openapi.yaml", name)
				continue
			}
			s = s.Properties[prop].Value
		}
		var documented []string
		for _, v := range s.Enum {
			documented = append(documented, v.(string))
		}
		if !slices.Equal(documented, e.Enum()) {
			t.Errorf("%s: openapi.yaml lists %v, the code %v", name, documented, e.Enum())
		}
	}
}
