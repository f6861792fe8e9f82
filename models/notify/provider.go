package notify

import (
	"time"

	"houqin/models/store"
)

// Provider is the push service that delivers to a device: FCM for phones
// with Google services, APNs for iPhones reached directly, and the
// vendors' own services for the Android phones sold in mainland China
// without Google services, and HarmonyOS NEXT's Push Kit.
type Provider string

const (
	ProviderFCM    Provider = "fcm"
	ProviderAPNs   Provider = "apns"
	ProviderHuawei Provider = "huawei"
	ProviderHonor  Provider = "honor"
	ProviderXiaomi Provider = "xiaomi"
	ProviderOPPO   Provider = "oppo"
	ProviderVivo   Provider = "vivo"
	// ProviderHarmony is Push Kit of HarmonyOS NEXT (鸿蒙), whose phones
	// run no Android and so take no Huawei Android token.
	ProviderHarmony Provider = "harmony"
)

// Providers lists every provider a device may name; fcm, the default,
// first.
var Providers = []Provider{ProviderFCM, ProviderAPNs, ProviderHuawei, ProviderHonor, ProviderXiaomi, ProviderOPPO, ProviderVivo, ProviderHarmony}

// Enum lists the providers (store.Enumerated).
func (Provider) Enum() []string { return store.Strings(Providers) }

// ProviderStats is one provider's delivery figures as a push worker counts
// them since its process started (each replica its own), for the
// operators' providers page.
type ProviderStats struct {
	Provider   string
	Configured bool
	Sent       int64
	Failed     int64 // dead tokens included
	Retried    int64
	Pruned     int64 // tokens the provider called dead, forgotten
	Requests   int64
	LastError  string
	LastErrAt  time.Time // zero when there was none
}
