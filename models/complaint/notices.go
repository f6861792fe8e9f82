package complaint

import (
	"fmt"
	"strconv"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
	"houqin/models/team"
)

// Pushes name no filer: the team must not learn who complained, and the
// desk reads the name in the app.

func link(c *Complaint) notify.StringMap {
	return notify.StringMap{"type": "complaint", "id": strconv.FormatInt(c.ID, 10), "status": string(c.Status)}
}

var kindWord = map[Kind]string{KindComplaint: "投诉", KindSuggestion: "建议"}

var areaWord = map[Area]string{AreaCanteen: "食堂", AreaShuttle: "班车", AreaMeetings: "会务", AreaRepairs: "报修维修",
	AreaEnvironment: "环境卫生", AreaOther: "其他"}

type deskNotice int

const (
	noticeFiled deskNotice = iota
	noticeOverdue
)

// notifyDesk tells every dispatcher of a new complaint (urgently on the
// green channel) or of a reply that is late.
func notifyDesk(tx *store.Tx, c *Complaint, kind deskNotice) error {
	desk, err := people.UsersWithRole(tx.DB, store.RoleDispatcher)
	if err != nil {
		return err
	}
	due := c.DueAt.In(tx.Location()).Format("1月2日 15:04")
	n := notify.Notice{Category: notify.CategoryQuality, Type: "complaint.filed", Data: link(c), High: c.Urgent, By: c.FilerID,
		Title: fmt.Sprintf("新%s（%s）", kindWord[c.Kind], areaWord[c.Area]),
		Body:  fmt.Sprintf("%s。请分派班组，%s前须答复。", store.Sentence(c.Text, 200), due)}
	if c.Urgent {
		n.Title = "【绿色通道】" + n.Title
	}
	if kind == noticeOverdue {
		n.Type, n.High, n.By = "complaint.overdue", true, 0
		n.Title = fmt.Sprintf("%s答复超时（%s）", kindWord[c.Kind], areaWord[c.Area])
		n.Body = fmt.Sprintf("%s。承诺%s前答复，现已超时。", store.Sentence(c.Text, 200), due)
	}
	return notify.Notify(tx, n, desk...)
}

// notifyTeam tells the members of c's team that it awaits their reply.
func notifyTeam(tx *store.Tx, by int64, c *Complaint, act Action) error {
	members, err := team.Members(tx.DB, *c.TeamID)
	if err != nil {
		return err
	}
	due := c.DueAt.In(tx.Location()).Format("1月2日 15:04")
	n := notify.Notice{Category: notify.CategoryQuality, Type: "complaint.routed", Data: link(c), High: c.Urgent, By: by,
		Title: fmt.Sprintf("%s待答复（%s）", kindWord[c.Kind], areaWord[c.Area]),
		Body:  fmt.Sprintf("%s。请于%s前答复。", store.Sentence(c.Text, 200), due)}
	if act == ActReopen {
		n.Type, n.Title = "complaint.reopened", fmt.Sprintf("%s被重新打开（%s）", kindWord[c.Kind], areaWord[c.Area])
		n.Body = fmt.Sprintf("对答复不满意：%s。请于%s前再次答复。", store.Sentence(c.ReopenReason, 200), due)
	}
	return notify.Notify(tx, n, members...)
}

// notifyFiler brings the team's reply to the filer.
func notifyFiler(tx *store.Tx, by int64, c *Complaint) error {
	return notify.Notify(tx, notify.Notice{Category: notify.CategoryQuality, Type: "complaint.replied", Data: link(c), By: by,
		Title: fmt.Sprintf("您的%s已答复", kindWord[c.Kind]),
		Body:  store.Sentence(c.Reply, 300) + "。请确认是否满意。"}, c.FilerID)
}
