package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/mcptray/mcptray/api"
)

// The choices of the Settings tab.
var timeoutChoices = []int{15, 30, 55, 120, 300}

const (
	themeSystem = "Same as my computer"
	themeLight  = "Light"
	themeDark   = "Dark"
)

// timeoutLabel names a waiting time for a person.
func timeoutLabel(seconds int) string {
	var s string
	switch {
	case seconds%60 == 0 && seconds >= 120:
		s = fmt.Sprintf("%d minutes", seconds/60)
	case seconds == 60:
		s = "1 minute"
	default:
		s = fmt.Sprintf("%d seconds", seconds)
	}
	if seconds == 55 {
		s += " (recommended)"
	}
	return s
}

func timeoutFromLabel(l string) int {
	for _, c := range timeoutChoices {
		if timeoutLabel(c) == l {
			return c
		}
	}
	return 0
}

func themeLabel(t string) string {
	switch t {
	case "light":
		return themeLight
	case "dark":
		return themeDark
	}
	return themeSystem
}

func themeFromLabel(l string) string {
	switch l {
	case themeLight:
		return "light"
	case themeDark:
		return "dark"
	}
	return ""
}

// settingsTab changes the app-wide settings; each change is saved at once by the daemon.
type settingsTab struct {
	w       *mainWindow
	timeout *widget.Select
	login   *widget.Check
	theme   *widget.RadioGroup
	note    *widget.Label
	filling bool
	content fyne.CanvasObject

	// The daemon answers each call with the settings then in effect, and answers can arrive
	// in any order. So one save is on its way at a time (saving), changes made meanwhile wait
	// in next and go after it in the order made, and a fetch's answer is shown only if it is
	// the latest fetch and no save was sent since (saves counts them): a stale answer never
	// turns a control back to what the person changed it from.
	saving  bool
	next    *api.SettingsParams
	saves   int
	fetches int

	updates *appUpdates // MCP Tray's own updates (app_update.go)
}

func newSettingsTab(w *mainWindow) *settingsTab {
	t := &settingsTab{w: w}
	var labels []string
	for _, c := range timeoutChoices {
		labels = append(labels, timeoutLabel(c))
	}
	t.timeout = widget.NewSelect(labels, func(l string) {
		if n := timeoutFromLabel(l); n > 0 && !t.filling {
			t.save(api.SettingsParams{ApprovalTimeoutSeconds: &n})
		}
	})
	t.login = widget.NewCheck("Start MCP Tray when I log in", func(on bool) {
		if !t.filling {
			t.save(api.SettingsParams{StartAtLogin: &on})
		}
	})
	t.theme = widget.NewRadioGroup([]string{themeSystem, themeLight, themeDark}, func(l string) {
		if l != "" && !t.filling {
			th := themeFromLabel(l)
			t.save(api.SettingsParams{Theme: &th})
		}
	})
	t.theme.Required = true
	t.note = wrappedAs("", widget.DangerImportance)
	hint := lowLabel("How long a tool call that needs your OK waits for your answer before MCP Tray denies it. Most AI apps give up after 60 seconds, so a longer wait only helps apps that wait longer.")
	form := widget.NewForm(
		widget.NewFormItem("Wait for my answer", container.NewVBox(t.timeout, hint)),
		widget.NewFormItem("At login", t.login),
		widget.NewFormItem("Look", t.theme),
	)
	t.updates = newAppUpdates(w.u, false)
	form.Append("Updates", t.updates.content)
	t.content = container.NewVScroll(container.NewVBox(form, t.note))
	return t
}

// fetch reads the settings from the daemon and applies the theme.
func (t *settingsTab) fetch() {
	t.updates.fetch()
	t.fetches++
	fetch, saves := t.fetches, t.saves
	callThen(t.w.u, api.SettingsGet, api.None{}, func(s api.SettingsResult, err error) {
		if fetch != t.fetches || saves != t.saves || t.saving {
			return // a later call answers
		}
		if err != nil {
			t.note.SetText("MCP Tray could not read its settings: " + sentence(err))
			return
		}
		t.show(s)
	})
}

// save sends the person's change, after the one on its way if there is one. UI goroutine only.
func (t *settingsTab) save(p api.SettingsParams) {
	if t.saving {
		t.next = mergeSettings(t.next, p)
		return
	}
	t.saving = true
	t.saves++
	callThen(t.w.u, api.SettingsSet, p, func(s api.SettingsResult, err error) {
		t.saving = false
		if err != nil {
			t.note.SetText(sentence(err))
		}
		if next := t.next; next != nil {
			t.next = nil
			t.save(*next)
			return
		}
		if err != nil {
			t.fetch() // show what is in effect
			return
		}
		t.note.SetText("")
		t.show(s)
	})
}

// mergeSettings is to with the changes in p laid over it.
func mergeSettings(to *api.SettingsParams, p api.SettingsParams) *api.SettingsParams {
	if to == nil {
		return &p
	}
	if p.ApprovalTimeoutSeconds != nil {
		to.ApprovalTimeoutSeconds = p.ApprovalTimeoutSeconds
	}
	if p.StartAtLogin != nil {
		to.StartAtLogin = p.StartAtLogin
	}
	if p.Theme != nil {
		to.Theme = p.Theme
	}
	return to
}

func (t *settingsTab) show(s api.SettingsResult) {
	t.filling = true
	defer func() { t.filling = false }()
	label := timeoutLabel(s.ApprovalTimeoutSeconds)
	if timeoutFromLabel(label) == 0 { // set by hand to a value not offered
		t.timeout.SetOptions(append(t.timeout.Options, label))
	}
	t.timeout.SetSelected(label)
	t.login.SetChecked(s.StartAtLogin)
	t.theme.SetSelected(themeLabel(s.Theme))
	applyTheme(t.w.u.fa, s.Theme)
}

// applyTheme shows the app light, dark, or as the system is (""), in readable colors.
func applyTheme(fa fyne.App, name string) {
	switch name {
	case "light":
		fa.Settings().SetTheme(newReadableTheme(theme.VariantLight, true))
	case "dark":
		fa.Settings().SetTheme(newReadableTheme(theme.VariantDark, true))
	default:
		fa.Settings().SetTheme(newReadableTheme(0, false))
	}
}
