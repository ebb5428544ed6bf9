package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/supervisor"
)

// serverDetail is the right side of the Servers tab: one server's state, switches and tools.
type serverDetail struct {
	t       *serversTab
	name    string // the server shown; "" for none
	title   *widget.Label
	state   *widget.Label
	info    *widget.Label
	problem *widget.Label
	source  *widget.Label
	sandbox *widget.Label  // what the server may touch
	change  *widget.Button // opens the sandbox dialog
	editor  *sandboxEditor // the sandbox dialog last opened, if any
	start   *widget.Button
	stop    *widget.Button
	restart *widget.Button
	logs    *widget.Button
	on      *widget.Check
	mode    *widget.RadioGroup
	tools   *fyne.Container
	hint    *widget.Label
	filling bool // setting widgets from data, not from the person
	body    fyne.CanvasObject
	none    fyne.CanvasObject
	content fyne.CanvasObject
}

func newServerDetail(t *serversTab) *serverDetail {
	d := &serverDetail{t: t}
	u := t.w.u
	d.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.title.SizeName = theme.SizeNameSubHeadingText
	d.state = widget.NewLabel("")
	d.info = widget.NewLabel("")
	d.info.Importance = widget.LowImportance
	d.problem = widget.NewLabel("")
	d.problem.Wrapping = fyne.TextWrapWord
	d.problem.Importance = widget.DangerImportance
	d.source = widget.NewLabel("")
	d.source.Wrapping = fyne.TextWrapWord
	d.source.Importance = widget.LowImportance
	d.sandbox = widget.NewLabel("")
	d.sandbox.Wrapping = fyne.TextWrapWord
	d.change = widget.NewButton("Change…", d.editSandbox)
	d.change.Hide()
	d.start = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), func() { u.callDone("start", daemon.NameParams{Name: d.name}, nil) })
	d.stop = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), func() { u.callDone("stop", daemon.NameParams{Name: d.name}, nil) })
	d.restart = widget.NewButtonWithIcon("Restart", theme.ViewRefreshIcon(), func() { u.callDone("restart", daemon.NameParams{Name: d.name}, nil) })
	d.logs = widget.NewButtonWithIcon("Logs", theme.DocumentIcon(), func() { u.showLogs(d.name) })
	d.on = widget.NewCheck("Turned on (runs whenever MCP Tray runs)", func(on bool) {
		if !d.filling {
			u.callDone("servers.enable", daemon.ServerSwitchParams{Name: d.name, Enabled: on}, t.fetch)
		}
	})
	d.mode = widget.NewRadioGroup([]string{modeSessionLabel, modeSharedLabel}, func(l string) {
		if !d.filling && l != "" {
			u.callDone("servers.mode", daemon.ServerModeParams{Name: d.name, Mode: modeFromLabel(l)}, t.fetch)
		}
	})
	d.mode.Required = true
	d.tools = container.NewVBox()
	d.hint = widget.NewLabel("")
	d.hint.Wrapping = fyne.TextWrapWord
	d.hint.Importance = widget.LowImportance
	toolsTitle := widget.NewLabelWithStyle("Tools", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.body = container.NewVScroll(container.NewVBox(
		d.title, container.NewHBox(d.state, d.info), d.problem,
		container.NewHBox(d.start, d.stop, d.restart, d.logs),
		widget.NewSeparator(), d.on,
		widget.NewLabelWithStyle("How AI apps share it", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), d.mode,
		d.source, container.NewBorder(nil, nil, nil, container.NewVBox(d.change), d.sandbox), widget.NewSeparator(), toolsTitle, d.hint, d.tools,
	))
	d.none = container.NewCenter(widget.NewLabel("Choose a server on the left."))
	d.content = container.NewStack(d.body, d.none)
	d.show("")
	return d
}

// show draws the named server from the model and the last fetched details. UI goroutine only.
func (d *serverDetail) show(name string) {
	s, ok := d.t.w.u.m.servers[name]
	if !ok {
		d.name = ""
		d.body.Hide()
		d.none.Show()
		return
	}
	if name != d.name {
		d.tools.RemoveAll()
		d.hint.SetText("")
	}
	d.name = name
	d.none.Hide()
	d.body.Show()
	now := time.Now()
	det, hasDet := d.t.details[name]
	d.title.SetText(display.Line(name))
	d.state.SetText(stateLabel(s, now))
	d.state.Importance = stateImportance(s.State)
	d.state.Refresh()
	info := []string{}
	if up := rowDetail(s, now); up != "" && s.Error == "" {
		info = append(info, up)
	}
	if hasDet {
		if m := memoryLabel(det.MemoryBytes); m != "" {
			info = append(info, m)
		}
	}
	d.info.SetText(strings.Join(info, " · "))
	d.problem.SetText(problemText(s))
	d.problem.Hidden = d.problem.Text == ""
	d.problem.Refresh()
	setEnabled(d.start, s.State == supervisor.Stopped || s.State == supervisor.Failed)
	setEnabled(d.stop, s.State == supervisor.Running || s.State == supervisor.Backoff || s.State == supervisor.Starting)
	setEnabled(d.restart, s.State != supervisor.Disabled)
	d.filling = true
	d.on.SetChecked(s.State != supervisor.Disabled && !(hasDet && det.Disabled))
	if hasDet {
		d.mode.SetSelected(modeLabel(det.Mode))
		d.source.SetText(sourceLine(det))
		d.sandbox.SetText(sandboxLine(det))
		d.change.Show()
	}
	d.filling = false
}

// problemText is why a server does not work, with the last lines it printed.
func problemText(s supervisor.Status) string {
	if s.State != supervisor.Failed && s.State != supervisor.Backoff {
		return ""
	}
	text := display.Line(s.Error)
	if len(s.StderrTail) > 0 {
		tail := s.StderrTail
		if len(tail) > 3 {
			tail = tail[len(tail)-3:]
		}
		lines := make([]string, len(tail))
		for i, l := range tail {
			lines[i] = display.Line(l)
		}
		text += "\nIt said: " + strings.Join(lines, "\n")
	}
	return text
}

// fetchTools asks for the server's tools and their rules.
func (d *serverDetail) fetchTools(name string) {
	callThen(d.t.w.u, "policy.list", daemon.NameParams{Name: name}, func(res daemon.PolicyListResult, err error) {
		if d.name != name {
			return
		}
		d.tools.RemoveAll()
		switch {
		case err != nil:
			d.hint.SetText("MCP Tray could not list the tools: " + sentence(err))
		case len(res.Tools) == 0:
			d.hint.SetText("No tools yet: they appear here once an AI app has connected to this server.")
		default:
			d.hint.SetText("Choose what happens when an AI app calls each tool.")
			for _, tool := range res.Tools {
				d.tools.Add(d.toolRow(tool))
			}
		}
	})
}

func (d *serverDetail) toolRow(t policy.ToolStatus) fyne.CanvasObject {
	u, server := d.t.w.u, d.name
	name := widget.NewLabelWithStyle(display.Line(t.Tool), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	note := widget.NewLabel(toolNote(t))
	note.Importance = widget.LowImportance
	if t.Blocked || len(t.Flags) > 0 {
		note.Importance = widget.WarningImportance
	}
	rule := widget.NewSelect(ruleLabels, nil)
	rule.SetSelected(ruleLabel(t.Rule))
	rule.OnChanged = func(l string) {
		u.callDone("policy.set", daemon.RuleParams{Name: server, Tool: t.Tool, Rule: ruleFromLabel(l)}, func() { d.fetchTools(server) })
	}
	right := []fyne.CanvasObject{container.NewGridWrap(fyne.NewSize(190, rule.MinSize().Height), rule)}
	if t.Blocked {
		review := widget.NewButton("Review change…", func() { d.review(server, t.Tool) })
		review.Importance = widget.WarningImportance
		right = append([]fyne.CanvasObject{review}, right...)
	}
	return container.NewBorder(nil, nil, nil, container.NewHBox(right...), container.NewVBox(name, note))
}

// review shows what changed in a tool and lets the person accept it.
func (d *serverDetail) review(server, tool string) {
	u := d.t.w.u
	callThen(u, "policy.review", daemon.ToolParams{Name: server, Tool: tool}, func(r policy.PinReview, err error) {
		if err != nil {
			u.window().showError(err)
			return
		}
		text := "The server changed this tool since you first saw it. A changed tool can be a trick to make the AI do something else, so MCP Tray blocked it.\n\nWhat changed:\n• " + display.Text(strings.Join(r.Changes, "\n• "))
		msg := widget.NewLabel(text)
		msg.Wrapping = fyne.TextWrapWord
		dlg := dialog.NewCustomConfirm("Review "+display.Line(tool)+" of "+display.Line(server), "Accept the change", "Keep it blocked", container.NewVScroll(msg), func(ok bool) {
			if ok {
				u.callDone("policy.accept", daemon.ToolParams{Name: server, Tool: tool, Fingerprint: r.NewFingerprint}, func() { d.fetchTools(server) })
			}
		}, u.window().win)
		dlg.Resize(fyne.NewSize(560, 380))
		dlg.Show()
	})
}
