package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
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
	// signInNote and signIn show while a remote server needs the person to sign in (remote.go).
	signInNote *widget.Label
	signIn     *widget.Button
	sandbox    *widget.Label  // what the server may touch
	change     *widget.Button // opens the sandbox dialog
	editor     *sandboxEditor // the sandbox dialog last opened, if any
	limits     *limitsView    // its limits and data-loss check (limits_view.go)
	toolNames  []string       // the tools last listed, for the limits dialog
	start      *widget.Button
	stop       *widget.Button
	restart    *widget.Button
	logs       *widget.Button
	on         *widget.Check
	mode       *widget.RadioGroup
	tools      *fyne.Container
	hint       *widget.Label
	filling    bool // setting widgets from data, not from the person
	body       fyne.CanvasObject
	scroll     *container.Scroll // body: back to the top for another server
	none       fyne.CanvasObject
	content    fyne.CanvasObject
}

func newServerDetail(t *serversTab) *serverDetail {
	d := &serverDetail{t: t}
	u := t.w.u
	d.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.title.SizeName = theme.SizeNameSubHeadingText
	d.state = widget.NewLabel("")
	d.info = widget.NewLabel("")
	d.info.Importance = widget.LowImportance
	d.problem = wrappedAs("", widget.DangerImportance)
	d.source = lowLabel("")
	d.sandbox = wrapped("")
	d.signInNote, d.signIn = newSignInNote(), d.newSignInButton()
	d.change = widget.NewButton("Change…", d.editSandbox)
	d.change.Hide()
	d.limits = newLimitsView(d)
	d.limits.box.Hide()
	d.start = widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), func() { callDone(u, api.Start, api.NameParams{Name: d.name}, nil) })
	d.stop = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), func() { callDone(u, api.Stop, api.NameParams{Name: d.name}, nil) })
	d.restart = widget.NewButtonWithIcon("Restart", theme.ViewRefreshIcon(), func() { callDone(u, api.Restart, api.NameParams{Name: d.name}, nil) })
	d.logs = widget.NewButtonWithIcon("Logs", theme.DocumentIcon(), func() { u.showLogs(d.name) })
	d.on = widget.NewCheck("Turned on (runs whenever MCP Tray runs)", func(on bool) {
		if !d.filling {
			callDone(u, api.ServersEnable, api.ServerSwitchParams{Name: d.name, Enabled: on}, t.fetch)
		}
	})
	d.mode = widget.NewRadioGroup([]string{modeSessionLabel, modeSharedLabel}, func(l string) {
		if !d.filling && l != "" {
			callDone(u, api.ServersMode, api.ServerModeParams{Name: d.name, Mode: modeFromLabel(l)}, t.fetch)
		}
	})
	d.mode.Required = true
	d.tools = container.NewVBox()
	d.hint = lowLabel("")
	toolsTitle := widget.NewLabelWithStyle("Tools", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.scroll = container.NewVScroll(container.NewVBox(
		d.title, container.NewHBox(d.state, d.info), d.problem, d.signInNote, container.NewHBox(d.signIn),
		container.NewHBox(d.start, d.stop, d.restart, d.logs),
		widget.NewSeparator(), d.on,
		widget.NewLabelWithStyle("How AI apps share it", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), d.mode,
		d.source, container.NewBorder(nil, nil, nil, container.NewVBox(d.change), d.sandbox),
		d.limits.box, widget.NewSeparator(), toolsTitle, d.hint, d.tools,
	))
	d.body = d.scroll
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
		d.scroll.ScrollToTop()
		d.tools.RemoveAll()
		d.hint.SetText("")
		d.toolNames = nil
	}
	d.name = name
	d.none.Hide()
	d.body.Show()
	now := time.Now()
	det, hasDet := d.t.details[name]
	remote := hasDet && det.URL != ""
	d.title.SetText(display.Line(name))
	d.state.SetText(serverStateLabel(s, now, remote))
	d.state.Importance = stateImportance(s)
	d.state.Refresh()
	info := []string{}
	if up := serverRowDetail(s, now, remote); up != "" && s.Error == "" {
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
	d.showSignIn(s)
	setEnabled(d.start, s.State == supervisor.Stopped || s.State == supervisor.Failed)
	setEnabled(d.stop, s.State == supervisor.Running || s.State == supervisor.Backoff || s.State == supervisor.Starting)
	setEnabled(d.restart, s.State != supervisor.Disabled)
	d.filling = true
	d.on.SetChecked(s.State != supervisor.Disabled && !(hasDet && det.Disabled))
	if hasDet {
		if labels := modeLabels(remote); d.mode.Options[0] != labels[0] {
			d.mode.Options = labels
		}
		d.mode.SetSelected(modeLabel(det.Mode, remote))
		d.source.SetText(sourceLine(det))
		// A remote server runs elsewhere: a sandbox on this computer has nothing to confine.
		d.sandbox.SetText(sandboxLine(det))
		if remote {
			d.sandbox.Hide()
			d.change.Hide()
		} else {
			d.sandbox.Show()
			d.change.Show()
		}
		d.limits.show(det)
		d.limits.box.Show()
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
	callThen(d.t.w.u, api.PolicyList, api.NameParams{Name: name}, func(res api.PolicyListResult, err error) {
		if d.name != name {
			return
		}
		d.tools.RemoveAll()
		d.toolNames = nil
		switch {
		case err != nil:
			d.hint.SetText("MCP Tray could not list the tools: " + sentence(err))
		case len(res.Tools) == 0:
			d.hint.SetText("No tools yet: they appear here once an AI app has connected to this server.")
		default:
			d.hint.SetText("Choose what happens when an AI app calls each tool.")
			for _, tool := range res.Tools {
				if display.Line(tool.Tool) == tool.Tool { // a name the list can show as it is sent back
					d.toolNames = append(d.toolNames, tool.Tool)
				}
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
		callDone(u, api.PolicySet, api.RuleParams{Name: server, Tool: t.Tool, Rule: ruleFromLabel(l)}, func() { d.fetchTools(server) })
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
	callThen(u, api.PolicyReview, api.ToolParams{Name: server, Tool: tool}, func(r policy.PinReview, err error) {
		if err != nil {
			u.window().showError(err)
			return
		}
		text := "The server changed this tool since you first saw it. A changed tool can be a trick to make the AI do something else, so MCP Tray blocked it.\n\nWhat changed:\n• " + display.Text(strings.Join(r.Changes, "\n• "))
		msg := wrapped(text)
		dlg := dialog.NewCustomConfirm("Review "+display.Line(tool)+" of "+display.Line(server), "Accept the change", "Keep it blocked", container.NewVScroll(msg), func(ok bool) {
			if ok {
				callDone(u, api.PolicyAccept, api.ToolParams{Name: server, Tool: tool, Fingerprint: r.NewFingerprint}, func() { d.fetchTools(server) })
			}
		}, u.window().win)
		dlg.Resize(fyne.NewSize(560, 380))
		dlg.Show()
	})
}
