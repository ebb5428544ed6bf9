package app

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/assets"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/policy"
)

func icon(name string) fyne.Resource {
	b, err := assets.Icons.ReadFile("icons/" + name)
	if err != nil {
		panic("missing embedded icon " + name)
	}
	return fyne.NewStaticResource(name, bytes.Clone(b))
}

func appIcon() fyne.Resource { return icon("app.png") }

// trayIconName names the icon file for a state: colour icons, or on macOS monochrome template
// images that the menu bar tints itself.
func trayIconName(s trayState, template bool) string {
	if template {
		switch s {
		case trayFailing:
			return "tray-template-alert.svg"
		case trayApproval:
			return "tray-template-approval.svg"
		}
		return "tray-template.svg"
	}
	switch s {
	case trayOK:
		return "tray-ok.png"
	case trayFailing:
		return "tray-failing.png"
	case trayApproval:
		return "tray-approval.png"
	}
	return "tray-idle.png"
}

// TrayOptions configure the tray.
type TrayOptions struct {
	// Client reaches the daemon's control API.
	Client *control.Client
	// Windows returns the handle on the window process (a *childproc.Process running this
	// program's window command); post runs a function on the tray's goroutine, idle is to be
	// called there when the process reports itself idle after command seq, and exited when
	// it ended unasked. noTray says the desktop has no tray, so the windows are the only way
	// into the app.
	Windows func(post func(func()), idle func(seq int), exited func(), noTray bool) Windows
	// Log receives what the tray cannot show the person (nil: slog.Default()).
	Log *slog.Logger
	// Quit is called, once, when the person chooses Quit in the menu; the caller then stops
	// the daemon and calls Stop.
	Quit func()
}

// Tray is the tray icon and its menu, in the long-running process next to the daemon. It
// draws no windows: it asks the window process for them (see command), which runs only
// while one may be on screen, so an idle MCP Tray holds no GUI toolkit and no OpenGL.
//
// All of its state is owned by one goroutine, which runs the work posted with do.
type Tray struct {
	opts    TrayOptions
	m       *model
	host    trayHost // nil: this desktop shows no tray icons
	windows Windows

	sig       string    // what the tray menu shows now (menuSignature)
	shown     trayState // which icon the tray shows now
	iconSet   bool
	kubeBusy  bool // a kube.contexts call is under way
	kubeAgain bool // and another is wanted after it
	quitting  bool
	respawned time.Time // when a crashed window process was last started again
	welcome   bool      // the welcome check after the first snapshot is still to do (welcome_tray.go)

	update trayUpdate // MCP Tray's own updates (app_update_tray.go)

	work     chan func()
	done     chan struct{} // closed by Stop
	stopOnce sync.Once
	do       func(f func()) // posts f to the owner goroutine; tests run it themselves
	now      func() time.Time
}

// Windows is the tray's handle on the window process; *childproc.Process implements it.
// Its methods are called on the tray's goroutine only.
type Windows interface {
	// Send gives the window process a command, starting the process if none runs.
	Send(c any) error
	// Running reports whether a window process is up and not asked to end.
	Running() bool
	// Idle ends the window process if its report (idle after command seq) is current.
	Idle(seq int)
	// Stop ends the window process and waits until it is gone.
	Stop()
}

// NewTray prepares the tray; Run shows it.
func NewTray(opts TrayOptions) *Tray {
	t := &Tray{opts: opts, m: newModel(), work: make(chan func(), 256), done: make(chan struct{}),
		now: time.Now, welcome: true}
	t.do = t.post
	if opts.Log == nil {
		t.opts.Log = slog.Default()
	}
	if trayHostAvailable() {
		t.host = systrayHost{post: t.post}
	}
	t.windows = opts.Windows(t.post, t.idle, t.windowsExited, t.host == nil)
	return t
}

// post queues f for the owner goroutine; after Stop it is dropped.
func (t *Tray) post(f func()) {
	select {
	case t.work <- f:
	case <-t.done:
	}
}

// ShowWindow opens the main window (in the window process); safe from any goroutine.
func (t *Tray) ShowWindow() { t.do(func() { t.send(command{Show: "main"}) }) }

// send gives the window process a command. Owner goroutine only.
func (t *Tray) send(c command) {
	if err := t.windows.Send(c); err != nil {
		t.opts.Log.Error("MCP Tray could not open its window", "err", err)
	}
}

// Run shows the tray icon and follows the daemon until Stop. It must be called on the main
// goroutine: macOS runs the menu bar item there. On a desktop without a tray, the main
// window opens instead, as the way into the app.
func (t *Tray) Run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	owned := make(chan struct{})
	go func() { t.own(); close(owned) }()
	go followEvents(ctx, t.opts.Client, t.do, t)
	if t.host == nil {
		t.ShowWindow()
		<-t.done
	} else {
		t.host.run(func() { t.do(t.refresh) }, t.done)
	}
	<-owned
	t.windows.Stop()
}

// own runs the posted work until Stop.
func (t *Tray) own() {
	for {
		select {
		case f := <-t.work:
			f()
		case <-t.done:
			return
		}
	}
}

// stopped reports whether Stop was called.
func (t *Tray) stopped() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

// Stop removes the tray icon and ends Run; safe from any goroutine, more than once.
func (t *Tray) Stop() { t.stopOnce.Do(func() { close(t.done) }) }

// quit is the menu's Quit. Owner goroutine only.
func (t *Tray) quit() {
	if t.quitting {
		return
	}
	t.quitting = true
	if t.opts.Quit != nil {
		go t.opts.Quit()
	}
}

// connected starts over from the daemon's snapshot. Owner goroutine only.
func (t *Tray) connected() {
	t.m.reconnected()
	t.fetchKube()
	t.startUpdates()
}

// lost forgets what the daemon held: its event stream ended. Owner goroutine only.
func (t *Tray) lost() {
	t.m.disconnected()
	t.refresh()
}

// handle folds one daemon event into the model, redraws the tray, and starts the window
// process for a call that waits for the person, or ahead of one when an AI app connects to
// a server (prepare). Owner goroutine only.
func (t *Tray) handle(ev api.Event) {
	kube := kubeMayHaveChanged(t.m, ev)
	var signIn *notice
	if s := ev.Server; s != nil {
		prev, known := t.m.servers[s.Name]
		signIn = signInNotice(prev, known, ev)
	}
	t.m.apply(ev)
	if signIn != nil {
		t.send(command{Notify: signIn})
	}
	t.greet(ev)
	if n := noteNotice(ev.Note); n != nil {
		t.send(command{Notify: n})
	}
	if a := ev.Approval; a != nil && a.Kind == policy.ApprovalAdded && !t.windows.Running() {
		t.send(command{Show: "approvals"})
	}
	if n := ev.Note; n != nil && n.Kind == api.NoteAppConnected {
		t.prepare()
	}
	if kube {
		t.fetchKube()
	}
	t.refresh()
}

// prepare starts the window process, showing nothing, when none runs: an AI app has just
// connected, and its first call that waits for the person then finds the process and its GUI
// toolkit started (about half of a cold prompt's time, more on a busy machine:
// docs/relay-performance.md). The process ends after its linger (two minutes) unless a
// window opens; that is the memory it costs. Owner goroutine only.
func (t *Tray) prepare() {
	if !t.windows.Running() && !t.m.paused && !t.quitting {
		t.send(command{Prepare: true})
	}
}

// idle is the window process's report that nothing is on screen. A call that waits keeps it:
// its prompt is about to show. Owner goroutine only.
func (t *Tray) idle(seq int) {
	if t.m.approvals.len() == 0 {
		t.windows.Idle(seq)
	}
}

// windowsExited restarts a window process that ended unasked (it crashed, or was killed)
// while a call waits for the person, so the prompt comes back; at most once every 5 s, so a
// process that cannot start does not loop. Owner goroutine only.
func (t *Tray) windowsExited() {
	if t.quitting || t.m.approvals.len() == 0 || t.now().Sub(t.respawned) < 5*time.Second {
		return
	}
	t.respawned = t.now()
	t.opts.Log.Warn("MCP Tray's window process ended unexpectedly; starting it again for the waiting calls")
	t.send(command{Show: "approvals"})
}

// trayMenu is the tray menu for the model: the servers and their states (with the Kubernetes
// context and a switch submenu for Kubernetes servers), pending approvals, the window, pause
// and quit. Owner goroutine only.
func (t *Tray) trayMenu(now time.Time) *fyne.Menu {
	m := t.m
	var items []*fyne.MenuItem
	switch {
	case !m.connected:
		items = append(items, disabledItem("MCP Tray is starting…"))
	case m.paused:
		items = append(items, disabledItem("Paused: servers are stopped"))
	}
	if m.connected && len(m.servers) == 0 {
		items = append(items, disabledItem("No servers yet"))
	}
	for _, s := range m.sorted() {
		k, isKube := m.kube[s.Name]
		if s.NeedsSignIn {
			items = append(items, t.signInItem(s, now))
			continue
		}
		if !isKube {
			items = append(items, disabledItem(menuLabel(s, now)))
			continue
		}
		it := fyne.NewMenuItem(menuLabel(s, now)+" · "+kubeLabel(k), nil)
		it.ChildMenu = t.kubeMenu(k)
		items = append(items, it)
	}
	if m.configError != "" {
		items = append(items, disabledItem("⚠ config.json has a problem — open MCP Tray"))
	}
	if m.connected && m.configPending {
		items = append(items, fyne.NewMenuItem(reviewConfigLabel, func() { t.send(command{Show: "config"}) }))
	}
	pending := fyne.NewMenuItem(pendingLabel(m.approvals.len()), func() { t.send(command{Show: "approvals"}) })
	pending.Disabled = m.approvals.len() == 0
	pause := fyne.NewMenuItem("Pause all", func() { t.setPaused(true) })
	if m.paused {
		pause = fyne.NewMenuItem("Resume all", func() { t.setPaused(false) })
	}
	pause.Disabled = !m.connected
	items = append(items, fyne.NewMenuItemSeparator(),
		pending,
		fyne.NewMenuItem("Open MCP Tray…", func() { t.send(command{Show: "main"}) }),
		pause,
		fyne.NewMenuItemSeparator(),
	)
	if up := t.updateItems(); len(up) > 0 {
		items = append(append(items, up...), fyne.NewMenuItemSeparator())
	}
	items = append(items,
		&fyne.MenuItem{Label: "Quit MCP Tray", IsQuit: true, Action: t.quit},
	)
	return fyne.NewMenu("MCP Tray", items...)
}

// refresh sets the tray menu and icon from the model, and only when they changed: every
// update makes the tray host re-read the whole menu over D-Bus. Owner goroutine only.
func (t *Tray) refresh() {
	if t.host == nil || t.quitting || t.stopped() {
		return // no tray to draw on, or it is going away
	}
	menu := t.trayMenu(t.now())
	if sig := menuSignature(menu); sig != t.sig {
		t.sig = sig
		t.host.setMenu(menu)
	}
	if st := t.m.overall(); st != t.shown || !t.iconSet {
		t.shown, t.iconSet = st, true
		t.host.setIcon(st)
	}
}

// menuSignature sums up what a menu shows, to tell whether it changed.
func menuSignature(m *fyne.Menu) string {
	var b strings.Builder
	var walk func(items []*fyne.MenuItem, depth int)
	walk = func(items []*fyne.MenuItem, depth int) {
		for _, it := range items {
			fmt.Fprintf(&b, "%d|%s|%t|%t|%t\n", depth, it.Label, it.Disabled, it.Checked, it.IsSeparator)
			if it.ChildMenu != nil {
				walk(it.ChildMenu.Items, depth+1)
			}
		}
	}
	walk(m.Items, 0)
	return b.String()
}

func disabledItem(label string) *fyne.MenuItem {
	it := fyne.NewMenuItem(label, nil)
	it.Disabled = true
	return it
}

// setPaused asks the daemon to pause or resume every server; the "paused" and "resumed" notes
// on the event stream redraw the menu. A failure opens the main window to say so.
func (t *Tray) setPaused(on bool) {
	what := "pause"
	if !on {
		what = "resume"
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // stopping servers takes a while
		defer cancel()
		if _, err := api.Call(ctx, t.opts.Client, api.Pause, api.PauseParams{Paused: on}); err != nil {
			t.problem(fmt.Errorf("MCP Tray could not %s your servers: %w", what, err))
		}
	}()
}

// problem shows a failure of something started from the tray in the main window; safe from
// any goroutine.
func (t *Tray) problem(err error) {
	t.do(func() { t.send(command{Problem: sentence(err)}) })
}
