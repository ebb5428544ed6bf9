package app

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
)

// Options configure the window process's GUI.
type Options struct {
	// Client reaches the daemon's control API; the GUI uses nothing else.
	Client  *control.Client
	Version string
	// NoTray says the desktop shows no tray icon: the windows are the only way to the app.
	NoTray bool
}

// UI is the window process's GUI: the main window, the approval prompt and the dialogs the
// tray asks for. Create it with New, show it with Run; Serve takes the tray's commands.
type UI struct {
	fa   fyne.App
	opts Options
	m    *model

	main        *mainWindow
	mainVisible bool // the main window is on screen (closing it hides it)
	approvals   *approvalPrompt
	dialogs     int  // other windows open: the install dialog, confirmations
	told        bool // the person was told the app keeps running in the background
	seq         int  // the tray's last command carried out
	stopped     chan struct{}

	notices *desktopNotices // desktop notifications: held calls with buttons, info that expires
	welcome *welcomeWindow  // the welcome window while it is open
	asked   askedCalls      // the calls the person was asked about, for the Activity tab's details

	// do runs f on the UI goroutine (fyne.Do); now and notify are time.Now and the app's
	// SendNotification. Tests replace them to drive the UI from the test goroutine.
	do     func(f func())
	now    func() time.Time
	notify func(*fyne.Notification)

	// files counts the goroutines that read or write files outside the daemon (the update
	// settings, the package databases, a rollback), so tests can wait for them.
	files sync.WaitGroup
}

// New builds the GUI on fa. It must be called on the main goroutine, before Run.
func New(fa fyne.App, opts Options) *UI {
	u := &UI{fa: fa, opts: opts, m: newModel(), stopped: make(chan struct{}),
		do: fyne.Do, now: time.Now, notify: func(n *fyne.Notification) {
			go fa.SendNotification(n) // a D-Bus round trip: never on the UI goroutine
		}}
	u.approvals = newApprovalPrompt(u)
	u.notices = newDesktopNotices(u)
	fa.SetIcon(appIcon())
	applyTheme(fa, "") // readable colors from the first window; Settings may pick a variant
	u.refresh()
	return u
}

// window returns the main window, building it the first time it is needed: a prompt that
// never opens the main window never pays for its widgets and the fonts they measure. UI
// goroutine only.
func (u *UI) window() *mainWindow {
	if u.main == nil {
		u.main = newMainWindow(u)
		if u.m.connected {
			u.main.connected()
		}
		u.main.refresh()
	}
	return u.main
}

// showMain puts the main window on screen and in front. UI goroutine only.
func (u *UI) showMain() *mainWindow {
	w := u.window()
	w.win.Show()
	w.win.RequestFocus()
	u.mainVisible = true
	return w
}

// Run shows the GUI and blocks until Quit, or until the tray closes Serve's input. It must
// run on the main goroutine.
func (u *UI) Run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go followEvents(ctx, u.opts.Client, u.do, u)
	warmText()
	time.AfterFunc(5*time.Second, releaseMemory) // start-up's garbage (fonts, catalog, config)
	u.fa.Run()
	u.notices.close()
	close(u.stopped)
}

// warmText measures a word in the styles windows open with, before the driver starts: the
// first measurement parses the fonts and indexes the system's. It ran in a goroutine beside
// the driver's start until a launch crashed in the text shaper (go-text's harfbuzz is not
// safe for two measurements at once; `make run`, 5 December 2026): it now runs first, on the
// goroutine that then runs the driver, so no measurement overlaps it.
func warmText() {
	for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
		fyne.MeasureText("MCP Tray", theme.TextSize(), style)
	}
}

// Quit ends the GUI; Run returns afterwards.
func (u *UI) Quit() { fyne.Do(u.fa.Quit) }

// lost forgets what the daemon held: its event stream ended. UI goroutine only.
func (u *UI) lost() {
	u.m.disconnected()
	u.refresh()
}

// connected starts over from the daemon's snapshot, which the event stream sends first, and
// fetches what the stream does not carry. UI goroutine only.
func (u *UI) connected() {
	u.m.reconnected()
	u.approvals.reset()
	if u.main != nil {
		u.main.connected()
	}
}

// handle folds one daemon event into the model and redraws. UI goroutine only.
func (u *UI) handle(ev api.Event) {
	u.m.apply(ev)
	if ev.Note != nil && u.main != nil {
		u.main.noteArrived(ev.Note.Kind)
	}
	if a := ev.Approval; a != nil && a.Kind == policy.ApprovalAdded {
		u.asked.remember(a.Approval)
		u.approvals.added(a.Approval)
	}
	u.refresh()
}

// refresh redraws everything from the model. UI goroutine only.
func (u *UI) refresh() {
	if u.main != nil { // built on first use
		u.main.refresh()
	}
	u.approvals.sync()
}

// noteNotice is the desktop notification a daemon note deserves, or nil: a Kubernetes server
// switched to another context, or stopped because its context disappeared.
func noteNotice(n *api.Note) *notice {
	if n == nil || n.Message == "" {
		return nil
	}
	switch n.Kind {
	case api.NoteKubeSwitched:
		return &notice{Title: "Kubernetes context switched", Body: n.Message}
	case api.NoteKubeContextGone:
		return &notice{Title: "A Kubernetes server stopped", Body: n.Message}
	case api.NoteConfigPending:
		return &notice{Title: "A change to MCP Tray's settings waits for you", Body: display.Line(n.Message) + " Open MCP Tray to allow or undo it."}
	}
	return nil
}
