package app

import (
	"context"
	"encoding/json"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/policy"
)

// Options configure the GUI.
type Options struct {
	// Client reaches the daemon's control API; the GUI uses nothing else.
	Client  *control.Client
	Version string
}

// UI is the running GUI. Create it with New, show it with Run.
type UI struct {
	fa   fyne.App
	opts Options
	m    *model
	desk desktop.App // nil when the platform has no tray

	main      *mainWindow
	approvals *approvalPrompt
	trayOK    bool // a tray host exists, so closing the window hides it
	told      bool // the person was told the app keeps running in the background

	traySig     string    // what the tray menu shows now (menuSignature)
	trayShown   trayState // which icon the tray shows now
	trayIconSet bool
	kubeBusy    bool // a kube.contexts call is under way
	kubeAgain   bool // and another is wanted after it
	stopped     chan struct{}

	// do runs f on the UI goroutine (fyne.Do); now and notify are time.Now and the app's
	// SendNotification. Tests replace them to drive the UI from the test goroutine.
	do     func(f func())
	now    func() time.Time
	notify func(*fyne.Notification)
}

// New builds the GUI on fa. It must be called on the main goroutine, before Run.
func New(fa fyne.App, opts Options) *UI {
	u := &UI{fa: fa, opts: opts, m: newModel(), stopped: make(chan struct{}),
		do: fyne.Do, now: time.Now, notify: func(n *fyne.Notification) {
			go fa.SendNotification(n) // a D-Bus round trip: never on the UI goroutine
		}}
	u.approvals = newApprovalPrompt(u)
	fa.SetIcon(appIcon())
	if d, ok := fa.(desktop.App); ok && trayHostAvailable() {
		u.desk, u.trayOK = d, true
	}
	if !u.trayOK {
		u.window() // the window is how the person finds the app
	}
	u.refresh()
	return u
}

// window returns the main window, building it the first time it is needed: a tray app whose
// window is never opened never pays for its widgets and the fonts they measure (about 30 MB
// of its idle memory). UI goroutine only.
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

// Run shows the GUI and blocks until the person quits. It must run on the main goroutine.
// The window opens at start when there is no tray to find the app in.
func (u *UI) Run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go u.follow(ctx)
	time.AfterFunc(5*time.Second, releaseMemory) // start-up's garbage (fonts, catalog, config)
	if !u.trayOK {
		u.window().win.Show()
	}
	u.fa.Run()
	close(u.stopped)
}

// Show brings the main window to the front; safe to call from any goroutine.
func (u *UI) Show() {
	fyne.Do(func() {
		w := u.window()
		w.win.Show()
		w.win.RequestFocus()
	})
}

// Quit ends the GUI; Run returns afterwards.
func (u *UI) Quit() { fyne.Do(u.fa.Quit) }

// follow keeps the model in step with the daemon's event stream, reconnecting as needed.
func (u *UI) follow(ctx context.Context) {
	for ctx.Err() == nil {
		first := true
		err := u.opts.Client.Stream(ctx, "events", nil, func(raw json.RawMessage) error {
			ev, err := decodeEvent(raw)
			if err != nil {
				return nil // a newer daemon's event this GUI does not know
			}
			fresh := first
			first = false
			u.do(func() {
				if fresh {
					u.connected()
				}
				u.handle(ev)
			})
			return nil
		})
		_ = err
		u.do(func() {
			u.m.connected = false
			u.m.approvals.reset() // held calls end with the daemon
			u.refresh()
		})
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// connected starts over from the daemon's snapshot, which the event stream sends first, and
// fetches what the stream does not carry. UI goroutine only.
func (u *UI) connected() {
	u.m.connected = true
	u.m.paused = false // the snapshot says "paused" again if it still is
	u.m.approvals.reset()
	u.approvals.reset()
	u.fetchKube()
	if u.main != nil {
		u.main.connected()
	}
}

// handle folds one daemon event into the model and redraws. UI goroutine only.
func (u *UI) handle(ev daemon.Event) {
	kube := kubeMayHaveChanged(u.m, ev)
	u.m.apply(ev)
	if ev.Note != nil && u.main != nil {
		u.main.noteArrived(ev.Note.Kind)
	}
	if n := noteNotification(ev.Note); n != nil {
		u.notify(n)
	}
	if a := ev.Approval; a != nil && a.Kind == policy.ApprovalAdded {
		u.approvals.added(a.Approval)
	}
	if kube {
		u.fetchKube()
	}
	u.refresh()
}

// refresh redraws everything from the model. UI goroutine only.
func (u *UI) refresh() {
	if u.main != nil { // built on first use
		u.main.refresh()
	}
	u.refreshTray()
	u.approvals.sync()
}

// call runs a daemon method off the UI goroutine and shows a failure as a dialog.
func (u *UI) call(method string, params any) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := u.opts.Client.Call(ctx, method, params, nil); err != nil {
			u.do(func() { u.window().showError(err) })
		}
	}()
}

// noteNotification is the desktop notification a daemon note deserves, or nil: a Kubernetes
// server switched to another context, or stopped because its context disappeared.
func noteNotification(n *daemon.Note) *fyne.Notification {
	if n == nil || n.Message == "" {
		return nil
	}
	switch n.Kind {
	case "kube_switched":
		return fyne.NewNotification("Kubernetes context switched", n.Message)
	case "kube_context_gone":
		return fyne.NewNotification("A Kubernetes server stopped", n.Message)
	}
	return nil
}
