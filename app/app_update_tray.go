package app

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/release"
)

// trayUpdate is the tray's side of MCP Tray's own updates (docs/app-updates.md): the daily
// background check, once the person agreed, and the menu item that installs what it found.
// Owner goroutine only.
type trayUpdate struct {
	started  bool             // the background check runs (or was decided against)
	checker  *release.Checker // what found the offer
	dir      string           // the install folder an update replaces
	offer    *release.Offer   // a newer version found; nil: none
	applying bool             // the update is being downloaded and swapped in
	applied  string           // the version installed, waiting for a restart

	// Test hooks: nil means release.Official and the folder of the running program.
	official func(version string) (*release.Checker, error)
	exe      func() (string, error)
	poll     time.Duration // how often the settings are read again (0: release.Poll)
}

// startUpdates starts the background check once, after the first connection to the daemon,
// which says the version and the home. The check ends when the tray stops. Owner goroutine
// only.
func (t *Tray) startUpdates() {
	if t.update.started {
		return
	}
	t.update.started = true
	go func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() { // the check ends with the tray
			select {
			case <-t.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		pctx, pcancel := context.WithTimeout(ctx, 10*time.Second)
		ping, err := api.Call(pctx, t.opts.Client, api.Ping, api.None{})
		pcancel()
		if err != nil {
			t.do(func() { t.update.started = false }) // the next connection tries again
			return
		}
		b, dir, err := t.background(ping)
		if err != nil {
			t.opts.Log.Info("MCP Tray does not check for its own updates", "why", err)
			return
		}
		b.Offered = func(o release.Offer) { t.do(func() { t.offered(b.Checker, dir, o) }) }
		b.Failed = func(err error) { t.opts.Log.Warn("MCP Tray could not check for its own updates", "err", err) }
		b.Serve(ctx)
	}()
}

// background prepares the daily check for the daemon's home and version (its ping) and this
// program's install folder; an error says why there is none (a package manager updates this
// copy, or the build has no release key).
func (t *Tray) background(ping api.PingResult) (*release.Background, string, error) {
	if ping.Home == "" {
		return nil, "", errors.New("the running MCP Tray did not say where its home is")
	}
	exe, err := t.update.executable()
	if err != nil {
		return nil, "", err
	}
	if m, ok := release.Managed(exe); ok {
		return nil, "", errors.New(m.Sentence())
	}
	official := t.update.official
	if official == nil {
		official = release.Official
	}
	c, err := official(ping.Version)
	if err != nil {
		return nil, "", err
	}
	path := release.SettingsFile(config.Home(ping.Home).StateDir())
	return &release.Background{Settings: path, Checker: c, Poll: t.update.poll}, filepath.Dir(exe), nil
}

// executable is the running program (or the test's).
func (u *trayUpdate) executable() (string, error) {
	if u.exe != nil {
		return u.exe()
	}
	return runningProgram()
}

// offered shows a newer version: a menu item, and one informational notification. Owner
// goroutine only.
func (t *Tray) offered(c *release.Checker, dir string, o release.Offer) {
	if t.update.applying || t.update.applied != "" {
		return
	}
	t.update.checker, t.update.dir, t.update.offer = c, dir, &o
	body := "Choose \"" + updateLabel(o.Version) + "\" in MCP Tray's menu to install it."
	if o.Notes != "" {
		body = display.Line(o.Notes) + "\n" + body
	}
	t.send(command{Notify: &notice{Title: "MCP Tray " + display.Line(o.Version) + " is available", Body: body}})
	t.refresh()
}

// updateLabel is the menu item that installs version v.
func updateLabel(v string) string { return "Update to MCP Tray " + display.Line(v) + "…" }

// restartLabel is the menu line after an update was installed.
func restartLabel(v string) string {
	return "Updated to MCP Tray " + display.Line(v) + ": restart MCP Tray to finish"
}

// updateItems are the tray menu's update lines: the offer, its progress, or the restart
// still to do; none without an offer. Owner goroutine only.
func (t *Tray) updateItems() []*fyne.MenuItem {
	switch u := &t.update; {
	case u.applied != "":
		return []*fyne.MenuItem{disabledItem(restartLabel(u.applied))}
	case u.applying:
		return []*fyne.MenuItem{disabledItem("Updating MCP Tray…")}
	case u.offer != nil:
		return []*fyne.MenuItem{fyne.NewMenuItem(updateLabel(u.offer.Version), t.applyUpdate)}
	}
	return nil
}

// applyUpdate installs the offered version in the background: downloaded, checked against
// the signed manifest, then swapped in with the previous version kept. A failure is one
// sentence in the main window, and nothing was replaced. Owner goroutine only.
func (t *Tray) applyUpdate() {
	u := &t.update
	if u.offer == nil || u.applying || u.applied != "" {
		return
	}
	u.applying = true
	c, o, dir := u.checker, *u.offer, u.dir
	t.refresh()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		go func() {
			select {
			case <-t.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		err := c.Apply(ctx, o, dir)
		t.do(func() { t.updateApplied(o.Version, err) })
	}()
}

// updateApplied shows the outcome of applyUpdate. Owner goroutine only.
func (t *Tray) updateApplied(version string, err error) {
	t.update.applying = false
	if err != nil {
		t.send(command{Problem: sentence(fmt.Errorf("MCP Tray could not update itself: %w", err))})
		t.refresh()
		return
	}
	t.update.offer, t.update.applied = nil, version
	t.send(command{Notify: &notice{Title: "MCP Tray " + display.Line(version) + " is installed",
		Body: "Quit MCP Tray and start it again to finish the update. The previous version is kept: Settings can go back to it."}})
	t.refresh()
}
