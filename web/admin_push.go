package web

import (
	"github.com/gofiber/fiber/v2"

	"houqin/models/notify"
)

// ProviderReport is what the push status page needs of the push worker:
// the figures GET /api/v1/admin/push/providers returns.
type ProviderReport interface {
	Providers() []notify.ProviderStats
}

// providerNames are the push channels as the centre's staff call them.
var providerNames = map[string]string{
	"fcm": "Firebase 云消息（FCM）", "apns": "苹果推送（APNs）", "huawei": "华为推送", "honor": "荣耀推送",
	"xiaomi": "小米推送", "oppo": "OPPO 推送", "vivo": "vivo 推送", "harmony": "鸿蒙推送（Push Kit）",
	"wecom": "企业微信", "dingtalk": "钉钉",
}

type pushData struct {
	Providers []notify.ProviderStats
	Outbox    notify.OutboxStats
}

// ProviderName is a channel's name in Chinese, or its code.
func (pushData) ProviderName(p string) string {
	if n, ok := providerNames[p]; ok {
		return n
	}
	return p
}

// pushStatus shows each channel, configured or not, with what this replica
// delivered through it since it started, and the queue waiting to go.
func (c *Console) pushStatus(ctx *fiber.Ctx) error {
	out, err := c.Notify.OutboxStats(ctx.UserContext())
	if err != nil {
		return err
	}
	d := pushData{Providers: c.Push.Providers(), Outbox: out}
	return c.render(ctx, "admin_push.html", view{Title: "推送状态", Data: d})
}
