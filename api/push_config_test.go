package api_test

import (
	"strings"
	"testing"

	"houqin/api"
	"houqin/push/apnsfake"
)

// TestPushVendorConfig: a vendor with no settings is off, a complete one
// is on, and a half-configured one stops start-up with one line naming the
// variable that is missing.
func TestPushVendorConfig(t *testing.T) {
	load := func(vars map[string]string) (api.Config, error) {
		return api.LoadConfig(func(k string) string { return vars[k] })
	}
	c, err := load(nil)
	if err != nil || c.Huawei.AppID != "" || c.Honor.AppID != "" || c.APNs.KeyFile != "" {
		t.Fatalf("no settings: %+v, %v; want every vendor off", c, err)
	}
	key := apnsfake.New(t).KeyFile
	c, err = load(map[string]string{"HOUQIN_HUAWEI_APP_ID": "1040", "HOUQIN_HUAWEI_APP_SECRET": "s",
		"HOUQIN_HONOR_APP_ID": "1044", "HOUQIN_HONOR_CLIENT_ID": "c", "HOUQIN_HONOR_CLIENT_SECRET": "s",
		"HOUQIN_APNS_KEY_FILE": key, "HOUQIN_APNS_KEY_ID": "K", "HOUQIN_APNS_TEAM_ID": "T", "HOUQIN_APNS_TOPIC": "cn.gov.houqin",
		"HOUQIN_APNS_ENV": "sandbox"})
	if err != nil || c.Huawei.AppSecret != "s" || c.Honor.ClientID != "c" || !c.APNs.Sandbox || c.APNs.Topic != "cn.gov.houqin" {
		t.Fatalf("complete settings: %+v, %v", c, err)
	}
	for name, tc := range map[string]struct {
		vars    map[string]string
		missing string
	}{
		"huawei without its secret":   {map[string]string{"HOUQIN_HUAWEI_APP_ID": "1040"}, "HOUQIN_HUAWEI_APP_SECRET is not set"},
		"honor with an endpoint only": {map[string]string{"HOUQIN_HONOR_ENDPOINT": "http://127.0.0.1:1"}, "HOUQIN_HONOR_APP_ID is not set"},
		"apns without a topic": {map[string]string{"HOUQIN_APNS_KEY_FILE": key, "HOUQIN_APNS_KEY_ID": "K",
			"HOUQIN_APNS_TEAM_ID": "T"}, "HOUQIN_APNS_TOPIC is not set"},
		"apns with no key file": {map[string]string{"HOUQIN_APNS_KEY_FILE": key + ".gone", "HOUQIN_APNS_KEY_ID": "K",
			"HOUQIN_APNS_TEAM_ID": "T", "HOUQIN_APNS_TOPIC": "x"}, "HOUQIN_APNS_KEY_FILE:"},
		"apns in no known environment": {map[string]string{"HOUQIN_APNS_KEY_FILE": key, "HOUQIN_APNS_KEY_ID": "K",
			"HOUQIN_APNS_TEAM_ID": "T", "HOUQIN_APNS_TOPIC": "x", "HOUQIN_APNS_ENV": "staging"}, "HOUQIN_APNS_ENV"},
		"huawei endpoint not a URL": {map[string]string{"HOUQIN_HUAWEI_APP_ID": "1", "HOUQIN_HUAWEI_APP_SECRET": "s",
			"HOUQIN_HUAWEI_ENDPOINT": "push-api.local"}, "HOUQIN_HUAWEI_ENDPOINT"},
	} {
		_, err := load(tc.vars)
		if err == nil || !strings.Contains(err.Error(), tc.missing) || strings.Count(err.Error(), "\n") != 0 {
			t.Errorf("%s: %v, want one line naming %s", name, err, tc.missing)
		}
	}
}
