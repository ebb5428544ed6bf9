package app

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/supervisor"
)

// BenchmarkMainWindowEvent: one server state event with 50 servers configured, folded into the
// model alone (the floor) and then redrawn in the main window and tray as the UI goroutine
// does (Fyne's software test driver; a GL driver only adds the paint).
func BenchmarkMainWindowEvent(b *testing.B) {
	fa := test.NewTempApp(b)
	u := New(fa, Options{Client: &control.Client{Path: filepath.Join(b.TempDir(), "none")}, Version: "bench"})
	u.do = func(func()) {} // daemon answers are not awaited here
	u.m.connected = true
	now := time.Now()
	for i := range 50 {
		u.m.apply(api.Event{Server: &supervisor.Status{Name: fmt.Sprintf("server-%02d", i), State: supervisor.Running, Since: now, Spare: true}})
	}
	u.refresh()
	u.window().win.Show()
	events := []api.Event{
		{Server: &supervisor.Status{Name: "server-07", State: supervisor.Backoff, Error: "The server exited unexpectedly (exit code 1).", RetryAt: now.Add(time.Second)}},
		{Server: &supervisor.Status{Name: "server-07", State: supervisor.Running, Since: now, Spare: true, Restarts: 1}},
	}
	b.Run("model", func(b *testing.B) {
		i := 0
		for b.Loop() {
			u.m.apply(events[i%2])
			i++
		}
	})
	b.Run("model+redraw", func(b *testing.B) {
		i := 0
		for b.Loop() {
			u.handle(events[i%2])
			i++
		}
	})
}
