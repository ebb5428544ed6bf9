package app

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/supervisor"
)

// mainWindow lists the servers with their state and the actions a person can take.
type mainWindow struct {
	u       *UI
	win     fyne.Window
	banner  *widget.Label
	status  *widget.Label
	list    *widget.List
	empty   fyne.CanvasObject
	servers []supervisor.Status // what the list shows, in order
}

func newMainWindow(u *UI) *mainWindow {
	w := &mainWindow{u: u, win: u.fa.NewWindow("MCP Tray")}
	w.banner = widget.NewLabel("")
	w.banner.Wrapping = fyne.TextWrapWord
	w.banner.Importance = widget.DangerImportance
	w.banner.Hide()
	w.status = widget.NewLabel("")
	w.status.Importance = widget.LowImportance
	w.list = widget.NewList(
		func() int { return len(w.servers) },
		w.newRow,
		func(id widget.ListItemID, o fyne.CanvasObject) { w.updateRow(o.(*fyne.Container), w.servers[id]) },
	)
	w.empty = container.NewCenter(widget.NewLabelWithStyle(
		"No servers yet.\nAdd one with: mcptray server add NAME -- COMMAND",
		fyne.TextAlignCenter, fyne.TextStyle{}))
	title := widget.NewLabelWithStyle("Your MCP servers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	top := container.NewVBox(title, w.banner)
	w.win.SetContent(container.NewBorder(top, w.status, nil, nil, container.NewStack(w.list, w.empty)))
	w.win.Resize(fyne.NewSize(780, 440))
	w.win.SetCloseIntercept(func() {
		w.win.Hide()
		u.hiddenNotice()
	})
	return w
}

// Row layout: name and state on the left, actions on the right.
func (w *mainWindow) newRow() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("server", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	state := widget.NewLabel("state")
	detail := widget.NewLabel("")
	detail.Importance = widget.LowImportance
	detail.Truncation = fyne.TextTruncateEllipsis // the whole sentence is in Logs
	start := widget.NewButtonWithIcon("Start", theme.MediaPlayIcon(), nil)
	stop := widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), nil)
	restart := widget.NewButtonWithIcon("Restart", theme.ViewRefreshIcon(), nil)
	logs := widget.NewButtonWithIcon("Logs", theme.DocumentIcon(), nil)
	left := container.NewVBox(container.NewHBox(name, state), detail)
	return container.NewBorder(nil, nil, nil, container.NewHBox(start, stop, restart, logs), left)
}

func (w *mainWindow) updateRow(row *fyne.Container, s supervisor.Status) {
	left := row.Objects[0].(*fyne.Container)
	buttons := row.Objects[1].(*fyne.Container)
	head := left.Objects[0].(*fyne.Container)
	head.Objects[0].(*widget.Label).SetText(s.Name)
	state := head.Objects[1].(*widget.Label)
	state.SetText(stateLabel(s, time.Now()))
	switch s.State {
	case supervisor.Failed, supervisor.Backoff:
		state.Importance = widget.DangerImportance
	case supervisor.Running:
		state.Importance = widget.SuccessImportance
	default:
		state.Importance = widget.MediumImportance
	}
	state.Refresh()
	left.Objects[1].(*widget.Label).SetText(rowDetail(s, time.Now()))
	start, stop, restart, logs := buttons.Objects[0].(*widget.Button), buttons.Objects[1].(*widget.Button),
		buttons.Objects[2].(*widget.Button), buttons.Objects[3].(*widget.Button)
	name := s.Name
	start.OnTapped = func() { w.u.call("start", daemon.NameParams{Name: name}) }
	stop.OnTapped = func() { w.u.call("stop", daemon.NameParams{Name: name}) }
	restart.OnTapped = func() { w.u.call("restart", daemon.NameParams{Name: name}) }
	logs.OnTapped = func() { w.u.showLogs(name) }
	setEnabled(start, s.State == supervisor.Stopped || s.State == supervisor.Failed)
	setEnabled(stop, s.State == supervisor.Running || s.State == supervisor.Backoff || s.State == supervisor.Starting)
	setEnabled(restart, s.State != supervisor.Disabled)
}

// rowDetail is the small line under a server: its problem if it has one, else how it runs.
func rowDetail(s supervisor.Status, now time.Time) string {
	if s.Error != "" && (s.State == supervisor.Failed || s.State == supervisor.Backoff) {
		return s.Error
	}
	parts := ""
	if up := uptime(s, now); up != "" {
		parts = up
	}
	if s.Restarts > 0 {
		if parts != "" {
			parts += " · "
		}
		parts += fmt.Sprintf("restarted %d× after crashes", s.Restarts)
	}
	return parts
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (w *mainWindow) refresh() {
	m := w.u.m
	w.servers = m.sorted()
	if len(w.servers) == 0 {
		w.empty.Show()
	} else {
		w.empty.Hide()
	}
	w.list.Refresh()
	if m.configError != "" {
		w.banner.SetText("config.json has a problem, so MCP Tray keeps using the last version that worked: " + m.configError)
		w.banner.Show()
	} else {
		w.banner.Hide()
	}
	if m.connected {
		w.status.SetText(fmt.Sprintf("MCP Tray %s · %d servers", w.u.opts.Version, len(w.servers)))
	} else {
		w.status.SetText("Connecting to the MCP Tray service…")
	}
}

func (w *mainWindow) showError(err error) {
	d := dialog.NewError(err, w.win)
	d.Show()
}
