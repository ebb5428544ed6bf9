package app

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
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
