package app

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/mcptray/mcptray/api"
)

// MainWindowTitle is the main window's title; tests and window managers find it by this name.
const MainWindowTitle = "MCP Tray"

// mainWindow is the window behind "Open MCP Tray…": a tab per area (servers, logs, AI apps,
// secrets, activity, settings) and an "Add server…" button. Only the UI goroutine touches it.
type mainWindow struct {
	u       *UI
	win     fyne.Window
	banner  *widget.Label // config.json has a problem
	pending *pendingBanner
	paused  *fyne.Container
	status  *widget.Label
	add     *widget.Button
	tabs    *container.AppTabs
	servers *serversTab
	logs    *logsTab
	clients *clientsTab
	secrets *secretsTab
	audit   *auditTab
	prefs   *settingsTab
	install *installDialog // the open install dialog, if any
}

func newMainWindow(u *UI) *mainWindow {
	w := &mainWindow{u: u, win: u.fa.NewWindow(MainWindowTitle)}
	w.banner = wrappedAs("", widget.DangerImportance)
	w.banner.Hide()
	resume := widget.NewButtonWithIcon("Resume", theme.MediaPlayIcon(), func() { callDone(u, api.Pause, api.PauseParams{Paused: false}, nil) })
	resume.Importance = widget.HighImportance
	pausedText := wrappedAs("Paused: your servers are stopped and AI apps wait until you resume.", widget.WarningImportance)
	w.paused = container.NewBorder(nil, nil, nil, resume, pausedText)
	w.paused.Hide()
	w.pending = newPendingBanner(w)
	w.status = widget.NewLabel("")
	w.status.Importance = widget.LowImportance

	w.servers = newServersTab(w)
	w.logs = newLogsTab(w)
	w.clients = newClientsTab(w)
	w.secrets = newSecretsTab(w)
	w.audit = newAuditTab(w)
	w.prefs = newSettingsTab(w)
	w.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Servers", theme.ComputerIcon(), w.servers.content),
		container.NewTabItemWithIcon("Logs", theme.DocumentIcon(), w.logs.content),
		container.NewTabItemWithIcon("AI apps", theme.GridIcon(), w.clients.content),
		container.NewTabItemWithIcon("Secrets", theme.VisibilityOffIcon(), w.secrets.content),
		container.NewTabItemWithIcon("Activity", theme.HistoryIcon(), w.audit.content),
		container.NewTabItemWithIcon("Settings", theme.SettingsIcon(), w.prefs.content),
	)
	w.tabs.SetTabLocation(container.TabLocationLeading)
	w.tabs.OnSelected = func(t *container.TabItem) { w.shown(t.Text) }

	w.add = widget.NewButtonWithIcon("Add server…", theme.ContentAddIcon(), u.showInstall)
	w.add.Importance = widget.HighImportance
	pause := widget.NewButtonWithIcon("Pause all", theme.MediaPauseIcon(), func() { callDone(u, api.Pause, api.PauseParams{Paused: true}, nil) })
	title := widget.NewLabelWithStyle("MCP Tray", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head := container.NewBorder(nil, nil, title, container.NewHBox(pause, w.add))
	top := container.NewVBox(head, w.pending.box, w.banner, w.paused)
	w.win.SetContent(container.NewBorder(top, w.status, nil, nil, w.tabs))
	w.win.Resize(fyne.NewSize(940, 600))
	w.win.SetCloseIntercept(func() {
		w.win.Hide()
		u.mainVisible = false
		u.hiddenNotice()
	})
	return w
}

// shown fetches what a tab shows from the daemon when the person opens it.
func (w *mainWindow) shown(tab string) {
	switch tab {
	case "Servers":
		w.servers.fetch()
	case "Logs":
		w.logs.start()
	case "AI apps":
		w.clients.fetch()
	case "Secrets":
		w.secrets.refreshServers()
		w.secrets.fetch()
	case "Activity":
		w.audit.fetch()
	case "Settings":
		w.prefs.fetch()
	}
}

// selectTab opens the named tab.
func (w *mainWindow) selectTab(name string) {
	for _, t := range w.tabs.Items {
		if t.Text == name {
			w.tabs.Select(t)
			return
		}
	}
}

// refresh redraws what follows the event stream. UI goroutine only.
func (w *mainWindow) refresh() {
	m := w.u.m
	if m.configError != "" {
		w.banner.SetText("config.json has a problem, so MCP Tray keeps using the last version that worked: " + m.configError)
		w.banner.Show()
	} else {
		w.banner.Hide()
	}
	if m.paused {
		w.paused.Show()
	} else {
		w.paused.Hide()
	}
	w.servers.refresh()
	w.logs.refreshServers()
	w.secrets.refreshServers()
	w.audit.refreshServers()
	w.clients.refreshServers()
	switch {
	case !m.connected:
		w.status.SetText("Connecting to the MCP Tray service…")
	case len(m.servers) == 1:
		w.status.SetText(fmt.Sprintf("MCP Tray %s · 1 server", w.u.opts.Version))
	default:
		w.status.SetText(fmt.Sprintf("MCP Tray %s · %d servers", w.u.opts.Version, len(m.servers)))
	}
}

// noteView is what a daemon note makes the window fetch again.
type noteView int

const (
	viewNone     noteView = iota // the model keeps it (config, pause) or no view shows it
	viewSettings                 // the Settings tab's values
	viewPending                  // the banner of changes to config.json that wait
	viewClients                  // the AI-apps tab, when it is open
)

// noteRefreshes says which view a note of this kind makes the window fetch again. Every note
// about an AI app's file refreshes the AI-apps tab: written, healed, broken, given up on, and
// in order again (client_ok, the only note a fixed file gets when there is nothing to write).
func noteRefreshes(kind api.NoteKind) noteView {
	switch {
	case kind == api.NoteSettings:
		return viewSettings
	case kind == api.NoteConfigPending, kind == api.NoteConfigPendingCleared:
		return viewPending
	case kind.IsClient():
		return viewClients
	}
	return viewNone
}

// noteArrived lets tabs react to daemon notes the model does not keep. UI goroutine only.
func (w *mainWindow) noteArrived(kind api.NoteKind) {
	switch noteRefreshes(kind) {
	case viewSettings:
		w.prefs.fetch()
	case viewPending:
		w.pending.fetch()
	case viewClients:
		if w.tabs.Selected() != nil && w.tabs.Selected().Text == "AI apps" {
			w.clients.fetch()
		}
	}
}

// showError shows a failure as one sentence in a dialog.
func (w *mainWindow) showError(err error) {
	dialog.NewError(errors.New(sentence(err)), w.win).Show()
}

func setEnabled(o fyne.Disableable, on bool) {
	if on {
		o.Enable()
	} else {
		o.Disable()
	}
}

// connected fetches what the open tab and the theme need once the event stream is up.
func (w *mainWindow) connected() {
	w.prefs.fetch()
	w.pending.fetch()
	if t := w.tabs.Selected(); t != nil {
		w.shown(t.Text)
	}
}
