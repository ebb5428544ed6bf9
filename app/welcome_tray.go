package app

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
)

// welcomedMarker is the file in the MCP Tray home that says the welcome window was shown
// once. It lives in MCP Tray's own folder, never among the person's files.
const welcomedMarker = "welcomed"

// greet decides, once per tray run, after the daemon's first snapshot (which always ends with
// its config note), whether the welcome window opens: the first time MCP Tray starts, and
// whenever no server exists. Owner goroutine only.
func (t *Tray) greet(ev api.Event) {
	if !t.welcome || ev.Note == nil || (ev.Note.Kind != api.NoteConfigOK && ev.Note.Kind != api.NoteConfigError) {
		return
	}
	t.welcome = false
	none := len(t.m.servers) == 0
	go func() {
		first := firstWelcome(t.opts.Client)
		if first || none {
			t.do(func() { t.send(command{Show: "welcome"}) })
		}
	}()
}

// firstWelcome reports whether the welcome window was never shown for the daemon's home, and
// marks it shown. A daemon that does not say its home counts as shown before: the welcome
// then follows only from having no server.
func firstWelcome(c *control.Client) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := api.Call(ctx, c, api.Ping, api.None{})
	if err != nil || res.Home == "" {
		return false
	}
	first, _ := markWelcomed(res.Home)
	return first
}

// markWelcomed creates the marker in home and reports whether it was not there before. An
// error (a home that cannot be written) reports false with it: a welcome shown on every start
// would be worse than one missed.
func markWelcomed(home string) (bool, error) {
	f, err := os.OpenFile(filepath.Join(home, welcomedMarker), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, f.Close()
}
