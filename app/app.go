package app

import (
	"context"
	"encoding/json"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/daemon"
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

	main    *mainWindow
	trayOK  bool // a tray host exists, so closing the window hides it
	told    bool // the person was told the app keeps running in the background
	stopped chan struct{}
}

// New builds the GUI on fa. It must be called on the main goroutine, before Run.
func New(fa fyne.App, opts Options) *UI {
	u := &UI{fa: fa, opts: opts, m: newModel(), stopped: make(chan struct{})}
	fa.SetIcon(appIcon())
	if d, ok := fa.(desktop.App); ok && trayHostAvailable() {
		u.desk, u.trayOK = d, true
	}
	u.main = newMainWindow(u)
	u.refresh()
	return u
}

// Run shows the GUI and blocks until the person quits. It must run on the main goroutine.
// The window opens at start when there is no tray to find the app in.
func (u *UI) Run() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go u.follow(ctx)
	if !u.trayOK {
		u.main.win.Show()
	}
	u.fa.Run()
	close(u.stopped)
}

// Show brings the main window to the front; safe to call from any goroutine.
func (u *UI) Show() {
	fyne.Do(func() {
		u.main.win.Show()
		u.main.win.RequestFocus()
	})
}

// Quit ends the GUI; Run returns afterwards.
func (u *UI) Quit() { fyne.Do(u.fa.Quit) }

// follow keeps the model in step with the daemon's event stream, reconnecting as needed.
func (u *UI) follow(ctx context.Context) {
	for ctx.Err() == nil {
		err := u.opts.Client.Stream(ctx, "events", nil, func(raw json.RawMessage) error {
			var ev daemon.Event
			if err := json.Unmarshal(raw, &ev); err != nil {
				return nil // a newer daemon's event this GUI does not know
			}
			fyne.Do(func() {
				u.m.connected = true
				u.m.apply(ev)
				u.refresh()
			})
			return nil
		})
		_ = err
		fyne.Do(func() {
			u.m.connected = false
			u.refresh()
		})
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// refresh redraws everything from the model. UI goroutine only.
func (u *UI) refresh() {
	u.main.refresh()
	u.refreshTray()
}

// call runs a daemon method off the UI goroutine and shows a failure as a dialog.
func (u *UI) call(method string, params any) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := u.opts.Client.Call(ctx, method, params, nil); err != nil {
			fyne.Do(func() { u.main.showError(err) })
		}
	}()
}
