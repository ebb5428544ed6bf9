package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
)

// auditLimit is how many recent calls the Activity tab shows.
const auditLimit = 300

const allServers = "All servers"

// auditTab shows the recent tool calls from the audit log, newest first, with what was
// decided about each.
type auditTab struct {
	w       *mainWindow
	server  *widget.Select
	list    *widget.List
	note    *widget.Label
	rows    []policy.AuditRecord
	content fyne.CanvasObject

	following bool          // the tab reads the log again while on screen (activity_detail.go)
	detail    dialog.Dialog // the last call's details opened
}

func newAuditTab(w *mainWindow) *auditTab {
	t := &auditTab{w: w}
	t.server = widget.NewSelect([]string{allServers}, func(string) { t.fetch() })
	t.server.Selected = allServers
	t.note = wrapped("")
	t.list = widget.NewList(
		func() int { return len(t.rows) },
		func() fyne.CanvasObject {
			what := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			when := widget.NewLabel("")
			when.Importance = widget.LowImportance
			how := widget.NewLabel("")
			how.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(container.NewBorder(nil, nil, nil, when, what), how)
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			r := t.rows[id]
			box := o.(*fyne.Container)
			head := box.Objects[0].(*fyne.Container)
			head.Objects[0].(*widget.Label).SetText(auditWhat(r))
			head.Objects[1].(*widget.Label).SetText(auditWhen(r, time.Now()))
			how := box.Objects[1].(*widget.Label)
			how.SetText(auditDecision(r))
			how.Importance = auditImportance(r)
			how.Refresh()
		},
	)
	t.list.OnSelected = func(id widget.ListItemID) {
		t.showDetail(id)
		t.list.UnselectAll()
	}
	refresh := widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), t.fetch)
	intro := wrapped("Every tool call AI apps made through MCP Tray, newest first, and what happened to it.")
	t.content = container.NewBorder(container.NewVBox(intro, container.NewBorder(nil, nil, nil, refresh, t.server), t.note), nil, nil, nil, t.list)
	return t
}

// refreshServers keeps the server filter in step with the model.
func (t *auditTab) refreshServers() {
	opts := []string{allServers}
	for _, s := range t.w.u.m.sorted() {
		opts = append(opts, s.Name)
	}
	t.server.SetOptions(opts)
}

// fetch reads the newest records.
func (t *auditTab) fetch() {
	t.followActivity()
	p := api.AuditParams{Limit: auditLimit}
	if t.server.Selected != allServers {
		p.Server = t.server.Selected
	}
	callThen(t.w.u, api.AuditRecent, p, func(res api.AuditResult, err error) {
		switch {
		case err != nil:
			t.note.SetText("MCP Tray could not read its activity log: " + sentence(err))
		case len(res.Entries) == 0:
			t.note.SetText("No tool calls yet. They show here once an AI app uses one of your servers.")
		default:
			t.note.SetText("")
		}
		t.rows = res.Entries
		t.list.Refresh()
	})
}

// auditWhat names the call: which app used which tool of which server.
func auditWhat(r policy.AuditRecord) string {
	// The name people know the app by, as the prompt says it ("claude-ai" is Claude Desktop).
	s := fmt.Sprintf("%s %s %s of %s", clientName(r.Client), auditVerb(r), display.Line(r.Tool), display.Line(r.Server))
	if r.Scope != "" {
		s += " (" + display.Line(r.Scope) + ")"
	}
	return s
}

// auditVerb says what became of the call in the row's title: a denied call was not "used",
// nor was one the AI app gave up waiting for.
func auditVerb(r policy.AuditRecord) string {
	switch r.Decision {
	case policy.Denied:
		return "was denied"
	case policy.Withdrawn:
		return "asked for"
	}
	return "used"
}

// auditWhen is the call's time: the clock time today, else the date too.
func auditWhen(r policy.AuditRecord, now time.Time) string {
	t := r.Time.Local()
	y, m, d := t.Date()
	ny, nm, nd := now.Local().Date()
	if y == ny && m == nm && d == nd {
		return t.Format("15:04:05")
	}
	return t.Format("Jan 2, 15:04")
}

// auditDecision says in words who decided what, and what became of the call.
func auditDecision(r policy.AuditRecord) string {
	var s string
	switch {
	case r.Decision == policy.Allowed && r.DecidedBy == policy.ByPerson:
		s = "You allowed it"
		if r.Answer != "" && r.Answer != "allow once" {
			s += " (" + r.Answer + ")"
		}
	case r.Decision == policy.Allowed:
		s = "Allowed by your rules"
	case r.Decision == policy.Denied && r.DecidedBy == policy.ByPerson:
		s = "You denied it"
	case r.Decision == policy.Denied && r.DecidedBy == policy.ByRule && guardrailRefused(r):
		what, _ := guardrailWhat(r)
		return what + " · it did not run"
	case r.Decision == policy.Denied && r.DecidedBy == policy.ByTimeout:
		return fmt.Sprintf("Denied: nobody answered within %s · it did not run", durationLabel(time.Duration(r.WaitMS*float64(time.Millisecond))))
	case r.Decision == policy.Denied:
		s = "Blocked by your rules"
	case r.Decision == policy.Withdrawn:
		s = "The AI app stopped waiting"
	default:
		s = string(r.Decision)
	}
	if r.WaitMS >= 1000 {
		s += fmt.Sprintf(" after %s", durationLabel(time.Duration(r.WaitMS*float64(time.Millisecond))))
	}
	if r.Decision == policy.Withdrawn {
		return s + " · it did not run"
	}
	switch r.Outcome {
	case policy.CallOK:
		s += " · it worked"
	case policy.CallToolError:
		s += " · the tool reported a problem"
	case policy.CallFailed:
		s += " · it failed"
	case policy.CallTimedOut:
		s += " · it ran too long and was stopped"
	}
	if r.Reason != "" && r.Decision == policy.Denied && r.DecidedBy == policy.ByRule {
		s += " · " + display.Line(r.Reason)
	}
	return s
}

func auditImportance(r policy.AuditRecord) widget.Importance {
	switch {
	case r.Decision == policy.Denied:
		return widget.DangerImportance
	case r.Outcome == policy.CallFailed || r.Outcome == policy.CallToolError:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}
