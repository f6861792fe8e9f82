package inspect

import (
	"fmt"
	"strconv"

	"houqin/models/notify"
	"houqin/models/store"
	"houqin/models/team"
)

// where names the place of an inspection as people write it: 1号楼3层东侧走廊.
func (ins *Inspection) where() string { return ins.Building + ins.Floor + ins.Area }

func link(p *Problem) notify.StringMap {
	return notify.StringMap{"type": "inspection_problem", "id": strconv.FormatInt(p.ID, 10), "status": string(p.Status)}
}

type teamNotice int

const (
	noticeAssigned teamNotice = iota
	noticeSentBack
)

// notifyTeam tells the members of p's team that it is theirs to fix, or
// to fix again.
func notifyTeam(tx *store.Tx, by int64, ins *Inspection, p *Problem, kind teamNotice) error {
	members, err := team.Members(tx.DB, p.TeamID)
	if err != nil {
		return err
	}
	due := p.Deadline.In(tx.Location()).Format("1月2日 15:04")
	n := notify.Notice{Category: notify.CategoryQuality, Data: link(p), By: by,
		Type: "inspection.assigned", Title: "督查问题待整改",
		Body: fmt.Sprintf("%s：%s。请于%s前整改并上传照片。", ins.where(), store.Sentence(p.Description, 200), due)}
	if kind == noticeSentBack {
		n.Type, n.Title = "inspection.sent_back", "督查问题整改被退回"
		n.Body = fmt.Sprintf("%s：%s。退回原因：%s。请于%s前重新整改。", ins.where(), store.Sentence(p.Description, 100),
			store.Sentence(p.SendBackReason, 200), due)
	}
	return notify.Notify(tx, n, members...)
}

// notifyInspector tells the inspector who found p that it is fixed, to
// check.
func notifyInspector(tx *store.Tx, by int64, ins *Inspection, p *Problem) error {
	return notify.Notify(tx, notify.Notice{Category: notify.CategoryQuality, Type: "inspection.fixed", Data: link(p), By: by,
		Title: "督查问题已整改，请复查",
		Body:  fmt.Sprintf("%s：%s。整改说明：%s", ins.where(), store.Sentence(p.Description, 100), store.Sentence(p.FixNote, 200))},
		ins.InspectorID)
}

// notifyOverdue tells the lead of p's team that its deadline has passed.
func notifyOverdue(tx *store.Tx, ins *Inspection, p *Problem) error {
	leads, err := team.Lead(tx.DB, p.TeamID)
	if err != nil {
		return err
	}
	return notify.Notify(tx, notify.Notice{Category: notify.CategoryQuality, Type: "inspection.overdue", Data: link(p), High: true,
		Title: "督查问题逾期未整改",
		Body: fmt.Sprintf("%s：%s。整改期限%s已过，请尽快处理。", ins.where(), store.Sentence(p.Description, 200),
			p.Deadline.In(tx.Location()).Format("1月2日 15:04"))}, leads...)
}
