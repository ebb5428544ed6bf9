package app

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
)

func TestSettingsTabSavesAndApplies(t *testing.T) {
	h := newWindowHarness(t)
	tab := h.u.main.prefs
	h.u.main.selectTab("Settings")
	h.until("the settings are read", func() bool { return tab.timeout.Selected == "55 seconds (recommended)" })
	if tab.login.Checked || tab.theme.Selected != themeSystem {
		t.Fatalf("defaults: start at login %v, theme %q", tab.login.Checked, tab.theme.Selected)
	}
	entry := filepath.Join(h.dir, ".config", "autostart", "io.github.mcptray.desktop")

	tab.timeout.SetSelected("30 seconds")
	h.until("the timeout is saved", func() bool { return h.config().Settings.ApprovalTimeoutSeconds == 30 })
	test.Tap(tab.login)
	h.until("start at login is on", func() bool { _, err := os.Stat(entry); return err == nil && h.config().Settings.StartAtLogin })
	tab.theme.SetSelected(themeDark)
	h.until("the theme is saved", func() bool { return h.config().Settings.Theme == "dark" })
	h.until("the app is dark", func() bool {
		return h.fa.Settings().Theme().Color(theme.ColorNameBackground, theme.VariantLight) == theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	})
	test.Tap(tab.login)
	h.until("start at login is off", func() bool { _, err := os.Stat(entry); return os.IsNotExist(err) })
	tab.theme.SetSelected(themeSystem)
	h.until("the theme is the system's", func() bool { return h.config().Settings.Theme == "" })
}

// TestSettingsTabKeepsTheLastChoiceWhenAnswersCrossOver: the daemon answers each change with
// the settings then in effect, and a slow answer to an earlier change (start at login, which
// writes a file) can arrive after a later one (the theme). The tab sends one change at a time,
// in the order made, so neither the daemon nor the tab ends on an older choice.
func TestSettingsTabKeepsTheLastChoiceWhenAnswersCrossOver(t *testing.T) {
	var (
		mu      sync.Mutex
		state   api.SettingsResult
		sets    int
		busy    int // settings.set calls being handled at once
		overlap bool
	)
	state.ApprovalTimeoutSeconds = 55
	h := newStandInHarness(t, func(srv *control.Server) {
		api.Handle(srv, api.SettingsGet, func(context.Context, api.None) (api.SettingsResult, error) {
			mu.Lock()
			defer mu.Unlock()
			return state, nil
		})
		api.Handle(srv, api.SettingsSet, func(_ context.Context, p api.SettingsParams) (api.SettingsResult, error) {
			mu.Lock()
			sets++
			first := sets == 1
			busy++
			overlap = overlap || busy > 1
			if p.StartAtLogin != nil {
				state.StartAtLogin = *p.StartAtLogin
			}
			if p.Theme != nil {
				state.Theme = *p.Theme
			}
			answer := state
			mu.Unlock()
			if first {
				time.Sleep(300 * time.Millisecond) // writing the autostart entry, slowly
			}
			mu.Lock()
			busy--
			mu.Unlock()
			return answer, nil
		})
	})
	tab := h.u.window().prefs
	h.u.main.selectTab("Settings")
	h.until("the settings are read", func() bool { return tab.timeout.Selected == "55 seconds (recommended)" })
	test.Tap(tab.login)              // start at login: answered slowly
	tab.theme.SetSelected(themeDark) // then the theme, at once
	settled := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return sets == 2 && busy == 0 && !tab.saving
	}
	h.until("both changes are answered", settled)
	for end := time.Now().Add(500 * time.Millisecond); time.Now().Before(end); { // answers still on their way
		select {
		case f := <-h.queue:
			f()
		case <-time.After(20 * time.Millisecond):
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if overlap {
		t.Error("the tab sent the theme while the daemon was still saving start at login")
	}
	if state.Theme != "dark" || !state.StartAtLogin {
		t.Errorf("the daemon ended with %+v, want dark and start at login", state)
	}
	if tab.theme.Selected != themeDark || !tab.login.Checked {
		t.Errorf("the tab shows theme %q and start at login %v after the answers, want %q and on", tab.theme.Selected, tab.login.Checked, themeDark)
	}
}
