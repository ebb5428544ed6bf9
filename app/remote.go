package app

import (
	"context"
	"net"
	"net/url"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/supervisor"
)

// Remote servers in the window and the tray (docs/remote.md, issue #23): where one runs, and
// signing in to it when it asks.

// Texts a person reads about remote servers.
const (
	needsSignInLabel  = "Needs you to sign in"
	signInLabel       = "Sign in…"
	signingInLabel    = "Finish signing in in your browser…"
	signInMenuSuffix  = " · Sign in…"
	signInWaitTimeout = 6 * time.Minute // the daemon waits up to 5 minutes for the browser
)

// needsSignInText says what a server needing sign-in means and what to do, for its details and
// the notification.
func needsSignInText(name string) string {
	return "AI apps cannot use " + display.Line(name) + " until you sign in to it again. " +
		"Choose Sign in… and finish in your browser."
}

// whereRemote says where a remote server runs, from its address: "Runs on the internet at
// mcp.example.com", or on this computer for a loopback address. "" for an address that does
// not read.
func whereRemote(address string) string {
	u, err := url.Parse(address)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	host := u.Hostname()
	if host == "localhost" {
		return "Runs on this computer at " + display.Line(u.Host)
	}
	if ip := net.ParseIP(host); ip != nil {
		switch {
		case ip.IsLoopback():
			return "Runs on this computer at " + display.Line(u.Host)
		case ip.IsPrivate():
			return "Runs on your local network at " + display.Line(u.Host)
		}
	}
	return "Runs on the internet at " + display.Line(host)
}

// signIn asks the daemon to sign in to a remote server: it opens the sign-in page in the
// person's browser and answers once the person finished there (or gave up). done gets the
// daemon's error, nil once signed in. Safe from any goroutine; done runs on the caller's
// side of post.
func signIn(c *control.Client, name string, post func(func()), done func(error)) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), signInWaitTimeout)
		defer cancel()
		_, err := api.Call(ctx, c, api.ServersSignIn, api.SignInParams{Name: name})
		post(func() { done(err) })
	}()
}

// newSignInButton is the details' "Sign in…": it waits, disabled, while the daemon waits
// for the browser, and a failure becomes the window's error dialog.
func (d *serverDetail) newSignInButton() *widget.Button {
	var b *widget.Button
	b = widget.NewButtonWithIcon(signInLabel, theme.LoginIcon(), func() {
		u, name := d.t.w.u, d.name
		b.Disable()
		b.SetText(signingInLabel)
		signIn(u.opts.Client, name, u.do, func(err error) {
			b.Enable()
			b.SetText(signInLabel)
			if err != nil {
				u.window().showError(err)
			}
		})
	})
	b.Importance = widget.HighImportance
	b.Hide()
	return b
}

// showSignIn shows or hides the details' sign-in line and button for s. UI goroutine only.
func (d *serverDetail) showSignIn(s supervisor.Status) {
	if !s.NeedsSignIn {
		d.signInNote.Hide()
		d.signIn.Hide()
		return
	}
	d.signInNote.SetText(needsSignInText(s.Name))
	d.signInNote.Show()
	d.signIn.Show()
}

// newSignInNote is the line above "Sign in…".
func newSignInNote() *widget.Label {
	l := wrappedAs("", widget.WarningImportance)
	l.Hide()
	return l
}

// signInNotice is the informational notification for a server that started needing sign-in
// with ev; nil when ev is not that (prev is the server's status before ev).
func signInNotice(prev supervisor.Status, known bool, ev api.Event) *notice {
	s := ev.Server
	if s == nil || !s.NeedsSignIn || (known && prev.NeedsSignIn) {
		return nil
	}
	return &notice{Title: display.Line(s.Name) + " needs you to sign in", Body: needsSignInText(s.Name)}
}

// signInItem is the tray menu's line for a server that needs sign-in: choosing it asks the
// daemon to sign in, which opens the browser; a failure is shown by the window process.
// Tray goroutine only.
func (t *Tray) signInItem(s supervisor.Status, now time.Time) *fyne.MenuItem {
	name := s.Name
	return fyne.NewMenuItem(menuLabel(s, now)+signInMenuSuffix, func() {
		signIn(t.opts.Client, name, t.do, func(err error) {
			if err != nil {
				t.send(command{Problem: sentence(err)})
			}
		})
	})
}
