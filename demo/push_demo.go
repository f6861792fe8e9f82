package demo

import (
	"houqin/models/notify"
	"houqin/models/store"
)

// seedPush greets every demo user in their inbox, so the inbox is not empty
// on first start.
func seedPush(tx *store.Tx, users Users) error {
	ids := make([]int64, 0, len(users))
	for _, id := range users {
		ids = append(ids, id)
	}
	return notify.Notify(tx, notify.Notice{Category: notify.CategorySystem, Type: "system.welcome", Title: "欢迎使用后勤服务",
		Body: "食堂菜单、班车动态、会议室预约和报修进度都会在这里通知您。可在“我的-通知设置”中按类别开关推送。",
		Data: notify.StringMap{"type": "system", "id": "0", "status": "welcome"}}, ids...)
}
