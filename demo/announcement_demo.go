package demo

import (
	"houqin/models/announce"
	"houqin/models/store"
)

func seedAnnouncements(tx *store.Tx, users Users) error {
	return tx.Create([]announce.Announcement{
		{Title: "关于机关食堂元旦假期供餐安排的通知", AuthorID: users["admin"],
			Body: "元旦假期（1月1日至1月3日）机关食堂暂停供应早餐和晚餐，午餐照常供应。1月4日（星期日，调休上班）按工作日供餐。"},
		{Title: "行政中心1号楼电梯维保通知", AuthorID: users["admin"],
			Body: "本周六8:00-17:00对1号楼1号、2号电梯进行年度维保，届时请使用3号电梯或步行楼梯。如有急事请拨打报修热线86310037。"},
		{Title: "冬季消防安全提示", Pinned: true, AuthorID: users["admin"],
			Body: "冬季用电量大，请下班前关闭办公室电暖器、空调等电器电源，不在走廊堆放杂物，保持消防通道畅通。"},
	}).Error
}
