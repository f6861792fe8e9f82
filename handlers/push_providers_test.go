package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"houqin/api/apitest"
	"houqin/models/store"
	"houqin/push/apnsfake"
	"houqin/push/fcmfake"
	"houqin/push/huaweifake"
)

type problemJSON struct {
	Code   string `json:"code"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

type providerJSON struct {
	Provider   string `json:"provider"`
	Configured bool   `json:"configured"`
	Sent       int64  `json:"sent"`
	Failed     int64  `json:"failed"`
	Pruned     int64  `json:"pruned"`
	Requests   int64  `json:"requests"`
	LastError  string `json:"last_error"`
}

// TestDeviceProviders: a device names its push provider (fcm when it does
// not); an unknown one, or one this server is not configured for, is
// refused naming the field and the choices; the admin test push reaches
// every device whatever its provider, and the providers page counts it.
func TestDeviceProviders(t *testing.T) {
	fcm, apns, huawei := fcmfake.New(t), apnsfake.New(t), huaweifake.New(t)
	env := apitest.New(t, apitest.WithFCM(fcm), apitest.WithAPNs(apns), apitest.WithHuawei(huawei))
	u, admin := env.NewUser(store.RoleStaff), env.NewUser(store.RoleAdmin)

	refused := func(provider, wants string) {
		t.Helper()
		resp := env.Post("/api/v1/me/devices", u.Token, map[string]string{"token": "t", "platform": "android", "provider": provider})
		apitest.Expect(t, resp, http.StatusBadRequest, "validation_failed")
		var p problemJSON
		resp.JSON(t, &p)
		if len(p.Errors) != 1 || p.Errors[0].Field != "provider" || !strings.Contains(p.Errors[0].Message, wants) {
			t.Errorf("provider %q: errors %+v, want the provider field listing %q", provider, p.Errors, wants)
		}
	}
	t.Run("an unknown provider is refused with the known ones", func(t *testing.T) {
		refused("jpush", "fcm, apns, huawei, honor, xiaomi, oppo, vivo, harmony")
	})
	t.Run("an unconfigured provider is refused with the configured ones", func(t *testing.T) {
		refused("xiaomi", "fcm, apns, huawei")
	})
	t.Run("devices show their provider, fcm by default", func(t *testing.T) {
		apitest.Expect(t, env.Post("/api/v1/me/devices", u.Token, map[string]string{"token": "f1", "platform": "android"}), 201)
		env.RegisterDeviceWith(u, "apns", "a1")
		env.RegisterDeviceWith(u, "huawei", "h1")
		var list struct {
			Items []struct{ Token, Provider string } `json:"items"`
		}
		env.Get("/api/v1/me/devices", u.Token).JSON(t, &list)
		got := map[string]string{}
		for _, d := range list.Items {
			got[d.Token] = d.Provider
		}
		if got["f1"] != "fcm" || got["a1"] != "apns" || got["h1"] != "huawei" {
			t.Errorf("devices %v", got)
		}
	})
	t.Run("the test push reaches every device whatever its provider", func(t *testing.T) {
		resp := env.Post("/api/v1/admin/push/test", admin.Token, map[string]int64{"user_id": u.ID})
		apitest.Expect(t, resp, http.StatusAccepted)
		var out struct{ Devices int }
		resp.JSON(t, &out)
		if out.Devices != 3 {
			t.Fatalf("the test push goes to %d devices, want 3", out.Devices)
		}
		env.DeliverPushes()
		if fcm.Delivered("f1") != 1 || apns.Delivered("a1") != 1 || huawei.Delivered("h1") != 1 {
			t.Errorf("delivered fcm %d, apns %d, huawei %d; want one each",
				fcm.Delivered("f1"), apns.Delivered("a1"), huawei.Delivered("h1"))
		}
	})
	t.Run("the providers page is the admin's and counts each provider", func(t *testing.T) {
		apitest.Expect(t, env.Get("/api/v1/admin/push/providers", u.Token), http.StatusForbidden, "forbidden")
		apitest.Expect(t, env.Get("/api/v1/admin/push/providers", ""), http.StatusUnauthorized)
		huawei.Script("h1", huaweifake.InvalidToken)
		apitest.Expect(t, env.Post("/api/v1/admin/push/test", admin.Token, map[string]int64{"user_id": u.ID}), http.StatusAccepted)
		env.DeliverPushes()
		resp := env.Get("/api/v1/admin/push/providers", admin.Token)
		apitest.Expect(t, resp, http.StatusOK)
		var page struct{ Items []providerJSON }
		resp.JSON(t, &page)
		got := map[string]providerJSON{}
		var order []string
		for _, p := range page.Items {
			got[p.Provider] = p
			order = append(order, p.Provider)
		}
		if strings.Join(order, ",") != "fcm,apns,huawei,honor,xiaomi,oppo,vivo,harmony,wecom,dingtalk" {
			t.Fatalf("providers %v", order)
		}
		if p := got["fcm"]; !p.Configured || p.Sent != 2 || p.Requests != 2 {
			t.Errorf("fcm %+v, want configured with 2 sent in 2 requests", p)
		}
		if p := got["huawei"]; p.Sent != 1 || p.Failed != 1 || p.Pruned != 1 {
			t.Errorf("huawei %+v, want 1 sent, 1 failed and pruned", p)
		}
		if p := got["vivo"]; p.Configured || p.Sent != 0 {
			t.Errorf("vivo %+v, want not configured", p)
		}
		metrics := string(env.Get("/metrics", "").Body)
		for _, want := range []string{`houqin_push_sent_total{provider="apns"} 2`,
			`houqin_push_failed_total{provider="huawei",reason="dead token"} 1`, `houqin_push_requests_total{provider="huawei"} 2`} {
			if !strings.Contains(metrics, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
	})
}
