package app

import (
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
)

// limitsView is the "Limits and checks" part of a server's page: its limits, each with a
// Remove button where one can remove it alone, "Set a limit…", and its data-loss check. It
// only renders; changes go to the daemon as policy.limit. UI goroutine only.
type limitsView struct {
	d      *serverDetail
	list   *fyne.Container
	dlp    *widget.Label
	hint   *widget.Label // the command line for the same
	set    *widget.Button
	editor *limitEditor // the dialog last opened, if any
	box    fyne.CanvasObject
	// drawn, server and limits are what the list shows.
	drawn  bool
	server string
	limits []config.Limit
}

func newLimitsView(d *serverDetail) *limitsView {
	v := &limitsView{d: d, list: container.NewVBox(), dlp: wrapped("")}
	v.set = widget.NewButtonWithIcon("Set a limit…", theme.ContentAddIcon(), v.edit)
	v.hint = lowLabel("")
	v.box = container.NewVBox(bold("Limits and checks"), v.list, container.NewHBox(v.set), v.dlp, v.hint)
	return v
}

// show draws the guardrails of det; the list is built again only when they changed (show
// runs on every state event of the server).
func (v *limitsView) show(det api.ServerDetail) {
	v.dlp.SetText(dlpLine(det.DLP))
	v.hint.SetText(limitsCommand(det.Name))
	if v.drawn && det.Name == v.server && slices.Equal(det.Limits, v.limits) {
		return
	}
	v.drawn, v.server, v.limits = true, det.Name, slices.Clone(det.Limits)
	v.list.RemoveAll()
	if len(det.Limits) == 0 {
		none := wrapped("No limits: calls run as often and as long as the AI app asks.")
		v.list.Add(none)
	}
	for _, l := range det.Limits {
		line := wrapped(limitLine(l))
		if !removableScope(l, det.Limits) {
			v.list.Add(line)
			continue
		}
		ch := api.LimitParams{Name: det.Name, LimitChange: config.LimitChange{Tool: l.Tool, Client: l.Client, Clear: true}}
		rm := widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), func() { v.change(ch) })
		v.list.Add(container.NewBorder(nil, nil, nil, rm, line))
	}
}

// edit opens the dialog that sets a limit.
func (v *limitsView) edit() {
	v.editor = newLimitEditor(v.d.t.w.u, v.d.name, v.d.toolNames, v.change)
	v.editor.show()
}

// change sends p; once the daemon took it (policy.limit answers when the limit is in
// effect), the page fetches the details again to show it.
func (v *limitsView) change(p api.LimitParams) {
	t := v.d.t
	callDone(t.w.u, api.PolicyLimit, p, func() { t.fetchDetails(nil) })
}

// limitEditor is the "Set a limit" dialog: a scope (a tool, an AI app, or every one) and what
// to limit there. Fields left empty keep what the scope's limit had. UI goroutine only.
type limitEditor struct {
	u       *UI
	name    string
	tool    *widget.SelectEntry
	client  *widget.Entry
	timeout *widget.Entry
	calls   *widget.Entry
	per     *widget.Select
	at      *widget.Entry
	dlg     dialog.Dialog
	save    func(api.LimitParams)
}

// everyTool is the tool choice that limits every tool of the server.
const everyTool = "Every tool"

// newLimitEditor makes the dialog for the server name, offering tools; save sends its answer.
func newLimitEditor(u *UI, name string, tools []string, save func(api.LimitParams)) *limitEditor {
	e := &limitEditor{u: u, name: name, save: save}
	e.tool = widget.NewSelectEntry(append([]string{everyTool}, tools...))
	e.tool.SetText(everyTool)
	e.client = widget.NewEntry()
	e.client.SetPlaceHolder("Every AI app")
	e.timeout = widget.NewEntry()
	e.timeout.SetPlaceHolder("seconds, for example 30")
	e.calls = widget.NewEntry()
	e.calls.SetPlaceHolder("for example 10")
	labels := make([]string, len(ratePeriods))
	for i, p := range ratePeriods {
		labels[i] = p.label
	}
	e.per = widget.NewSelect(labels, nil)
	e.per.SetSelected("a minute")
	e.at = widget.NewEntry()
	e.at.SetPlaceHolder("for example 1")
	return e
}

func (e *limitEditor) show() {
	intro := wrapped("A call over a limit does not run: the AI app is told why and when to try again. Leave a box empty to keep it as it is.")
	intro.Importance = widget.LowImportance
	form := widget.NewForm(
		widget.NewFormItem("Tool", e.tool),
		widget.NewFormItem("AI app", e.client),
		widget.NewFormItem("Stop a call after", e.timeout),
		widget.NewFormItem("Calls at most", container.NewGridWithColumns(2, e.calls, e.per)),
		widget.NewFormItem("Calls at a time", e.at),
	)
	e.dlg = dialog.NewCustomConfirm("Set a limit on "+display.Line(e.name), "Save", "Cancel", container.NewVBox(intro, form), func(ok bool) {
		if ok {
			e.save(e.params())
		}
	}, e.u.window().win)
	e.dlg.Resize(fyne.NewSize(560, 400))
	e.dlg.Show()
}

// params is what Save sends. The daemon checks the values and says what is wrong in a
// sentence; a timeout given as a bare number counts seconds.
func (e *limitEditor) params() api.LimitParams {
	ch := config.LimitChange{Client: strings.TrimSpace(e.client.Text)}
	if t := strings.TrimSpace(e.tool.Text); t != everyTool {
		ch.Tool = t
	}
	ch.Timeout = strings.ReplaceAll(strings.TrimSpace(e.timeout.Text), " ", "")
	if _, err := strconv.ParseFloat(ch.Timeout, 64); err == nil {
		ch.Timeout += "s"
	}
	if n := strings.TrimSpace(e.calls.Text); n != "" {
		ch.Rate = n + "/" + unitOf(e.per.Selected)
	}
	if n := strings.TrimSpace(e.at.Text); n != "" {
		ch.Concurrent = -1 // the daemon refuses it with its sentence unless it reads
		if c, err := strconv.Atoi(n); err == nil {
			ch.Concurrent = c
		}
	}
	return api.LimitParams{Name: e.name, LimitChange: ch}
}

func unitOf(label string) string {
	for _, p := range ratePeriods {
		if p.label == label {
			return p.unit
		}
	}
	return "m"
}
