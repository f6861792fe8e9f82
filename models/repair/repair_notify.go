package repair

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"houqin/models/notify"
	"houqin/models/people"
	"houqin/models/store"
)

// repairNoticeTTL is how long a repair push is worth delivering.
const repairNoticeTTL = 24 * time.Hour

// priorityNames read as a scale on a phone: "一般" and "普通" were synonyms.
var priorityNames = map[Priority]string{PriorityLow: "不急", PriorityNormal: "一般", PriorityUrgent: "紧急"}

// repairNotice builds one notice about r; requester-facing ones collapse,
// so a phone that was offline shows only the latest status.
func repairNotice(r *Repair, typ, title, body string, collapse bool) notify.Notice {
	n := notify.Notice{Category: notify.CategoryRepair, Type: "repair." + typ, Title: title, Body: body, TTL: repairNoticeTTL,
		Data: notify.StringMap{"type": "repair", "id": strconv.FormatInt(r.ID, 10), "status": string(r.Status), "ticket": r.Ticket}}
	if collapse {
		n.CollapseKey = "repair-" + strconv.FormatInt(r.ID, 10)
	}
	return n
}

// sentence clips a person's note for a text that ends it with its own full
// stop, dropping the note's, so that the phone does not show "。。".
func sentence(note string, n int) string {
	return store.Clip(strings.TrimRight(strings.TrimSpace(note), "。. "), n)
}

// what describes the fault in a few words: "【空调】1号楼302室".
func (r *Repair) what() string { return "【" + categoryNames[r.Category] + "】" + r.Location }

// userName is the name notices give a person; a failed lookup fails the
// transaction rather than sending a notice with a blank name.
func userName(tx *store.Tx, id int64) (string, error) {
	var u people.User
	if err := tx.Select("name").Take(&u, id).Error; err != nil {
		return "", fmt.Errorf("name of user %d: %w", id, err)
	}
	return u.Name, nil
}

// notifyRepair tells the requester about every step, the technician about
// work given, taken back or returned, and the desk about new requests and
// unhappy requesters.
func notifyRepair(tx *store.Tx, a store.Actor, r *Repair, step StepInput, prevTech *int64) error {
	tech := int64(0)
	if r.TechnicianID != nil {
		tech = *r.TechnicianID
	}
	t, w := r.Ticket, r.what()
	notice := func(typ, title, body string, collapse bool) notify.Notice {
		n := repairNotice(r, typ, title, body, collapse)
		n.By = a.ID
		return n
	}
	toRequester := func(typ, title, body string) error {
		return notify.Notify(tx, notice(typ, title, body, true), r.RequesterID)
	}
	// Only new requests and low scores go to the desk: look it up then.
	toDesk := func(n notify.Notice) error {
		desk, err := people.UsersWithRole(tx.DB, store.RoleDispatcher)
		if err != nil {
			return err
		}
		return notify.Notify(tx, n, desk...)
	}
	switch act := step.Action; act {
	case RepairCreate:
		requester, err := userName(tx, r.RequesterID)
		if err != nil {
			return err
		}
		n := notice("created", "新报修 "+t,
			fmt.Sprintf("%s%s %s：%s", priorityNames[r.Priority], w, requester, store.Clip(r.Description, 60)), false)
		n.High = r.Priority == PriorityUrgent
		if err := toDesk(n); err != nil {
			return err
		}
		return toRequester("created", "报修已受理", fmt.Sprintf("报修服务台已为您登记报修 %s%s，我们会尽快派工。", t, w))
	case RepairAssign:
		name, err := userName(tx, tech)
		if err != nil {
			return err
		}
		if err := toRequester("assigned", "报修已派工", fmt.Sprintf("您的报修 %s%s已派给%s处理。", t, w, name)); err != nil {
			return err
		}
		if prevTech != nil && *prevTech != tech {
			if err := notify.Notify(tx, notice("unassigned", "工单已改派 "+t,
				fmt.Sprintf("%s%s已改派给其他维修人员，您无需再处理。", t, w), false), *prevTech); err != nil {
				return err
			}
		}
		n := notice("assigned", "新派工单 "+t, fmt.Sprintf("%s%s：%s", priorityNames[r.Priority], w, store.Clip(r.Description, 60)), false)
		n.High = r.Priority == PriorityUrgent
		return notify.Notify(tx, n, tech)
	case RepairStart:
		name, err := userName(tx, tech)
		if err != nil {
			return err
		}
		return toRequester("started", "维修已开始", fmt.Sprintf("%s已开始处理您的报修 %s%s。", name, t, w))
	case RepairResolve:
		return toRequester("resolved", "维修已完成", fmt.Sprintf("您的报修 %s%s已处理完毕：%s。请对本次服务进行评价。", t, w, sentence(r.ResolutionNote, 60)))
	case RepairFeedback, RepairCallback:
		if err := toRequester("closed", "报修已办结", fmt.Sprintf("您的报修 %s%s已办结，感谢您的评价。", t, w)); err != nil {
			return err
		}
		sc := RepairScores{r.Attitude, r.Quality, r.Cleanliness, r.FeedbackComment}
		if !sc.low() {
			return nil
		}
		comment := ""
		if c := sentence(sc.Comment, 40); c != "" {
			comment = "留言：" + c + "。"
		}
		n := notice("low_score", "差评提醒 "+t, fmt.Sprintf("%s%s评价：态度%d分、质量%d分、卫生%d分。%s请优先回访。",
			t, w, sc.Attitude, sc.Quality, sc.Cleanliness, comment), false)
		n.High = true
		return toDesk(n)
	case RepairCancel, RepairReject:
		title, verb := "报修已取消", "已取消"
		if act == RepairReject {
			title, verb = "报修未受理", "未受理"
		}
		body := fmt.Sprintf("报修 %s%s%s：%s", t, w, verb, store.Clip(step.Note, 60))
		if err := toRequester(string(r.Status), title, body); err != nil {
			return err
		}
		return notify.Notify(tx, notice(string(r.Status), "工单"+verb+" "+t, body, false), tech)
	case RepairReopen:
		body := fmt.Sprintf("报修 %s%s已退回重新处理：%s", t, w, store.Clip(step.Note, 60))
		if err := toRequester("reopened", "报修已重新处理", body); err != nil {
			return err
		}
		n := notice("reopened", "工单被退回 "+t, body, false)
		n.High = r.Priority == PriorityUrgent
		return notify.Notify(tx, n, tech)
	}
	return nil
}

// notifyOverdue tells the desk a request has missed its promise.
func notifyOverdue(tx *store.Tx, r *Repair, desk []int64) error {
	promise := "派工时限"
	if r.Status != RepairSubmitted {
		promise = "完成时限"
	}
	n := repairNotice(r, "overdue", "报修超时 "+r.Ticket, fmt.Sprintf("%s%s%s已超过%s（%s），请尽快跟进。",
		priorityNames[r.Priority], r.Ticket, r.what(), promise, r.DeadlineAt.In(tx.Location()).Format("01-02 15:04")), false)
	n.High = r.Priority == PriorityUrgent
	return notify.Notify(tx, n, desk...)
}
