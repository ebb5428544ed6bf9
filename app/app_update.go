package app

import (
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/release"
)

// The window's side of MCP Tray's own updates (docs/app-updates.md): the question on first
// start, the switch in Settings, and going back after an update. The daily check and the
// update itself run in the tray (app_update_tray.go); the answer is the settings file both
// read (release.Settings in the daemon's home).

// Texts a person reads about app updates.
const (
	updateSwitchLabel = "Check for updates once a day"
	updateConsentText = "Check for MCP Tray updates once a day?"
	updateConsentYes  = "Yes, check once a day"
	updateHint        = "MCP Tray asks its download page whether a newer version exists, at most once a day, and installs nothing until you choose to. Each update is checked against MCP Tray's signature first."
	rollbackLabel     = "Go back to the previous version"
	rolledBackText    = "Went back to the previous version of MCP Tray. Quit MCP Tray and start it again to use it."
)

// appUpdates shows and changes the person's choice about app updates: a switch, or, for a
// copy a package manager installed, the command that updates it; and after an update, the
// way back. Its content is both the Settings tab's "Updates" line and (with ask) the
// welcome window's question. UI goroutine only.
type appUpdates struct {
	u        *UI
	ask      bool // first start: saying nothing is an answer too (off)
	path     string
	dir      string // the install folder; "" until known
	enabled  *widget.Check
	managed  *widget.Label
	hint     *widget.Label // what a check does; hidden for a managed copy
	rollback *widget.Button
	note     *widget.Label
	filling  bool
	gen      int // the last fetch; older answers are dropped
	content  fyne.CanvasObject

	exe func() (string, error) // the running program; nil: os.Executable (tests set it)
}

// newAppUpdates builds the switch; fetch fills it in.
func newAppUpdates(u *UI, ask bool) *appUpdates {
	a := &appUpdates{u: u, ask: ask}
	label := updateSwitchLabel
	if ask {
		label = updateConsentYes
	}
	a.enabled = widget.NewCheck(label, func(on bool) {
		if !a.filling {
			a.save(on)
		}
	})
	a.enabled.Disable() // until the settings are read
	a.managed = wrapped("")
	a.managed.Hide()
	a.rollback = widget.NewButton(rollbackLabel, a.goBack)
	a.rollback.Hide()
	a.note = wrapped("")
	a.note.Hide()
	a.hint = lowLabel(updateHint)
	box := container.NewVBox(a.enabled, a.managed, a.hint, a.rollback, a.note)
	if ask {
		q := wrapped(updateConsentText)
		box.Objects = append([]fyne.CanvasObject{q}, box.Objects...)
	}
	a.content = box
	return a
}

// newUpdateConsent is the first-start question for the welcome window: a switch, off, and
// the question counts as asked once shown. UI goroutine only.
func (u *UI) newUpdateConsent() fyne.CanvasObject {
	a := newAppUpdates(u, true)
	a.fetch()
	return a.content
}

// fetch reads where the daemon keeps its home, then the person's choice. UI goroutine only.
func (a *appUpdates) fetch() {
	a.gen++
	gen := a.gen
	callThen(a.u, api.Ping, api.None{}, func(p api.PingResult, err error) {
		if err != nil || p.Home == "" {
			a.say("MCP Tray could not read its update settings: " + sentence(err))
			return
		}
		if gen != a.gen {
			return // a later fetch answers
		}
		a.path = release.SettingsFile(config.Home(p.Home).StateDir())
		path, ask, exe := a.path, a.ask, a.executable()
		a.u.files.Go(func() { a.read(gen, path, ask, exe) })
	})
}

// read loads the settings at path and finds the install folder, off the UI goroutine; on
// first start (ask) the question counts as answered "not yet": asked, and off.
func (a *appUpdates) read(gen int, path string, ask bool, executable func() (string, error)) {
	s, err := release.LoadSettings(path)
	exe, exeErr := executable()
	var (
		m       release.Manager
		managed bool
		dir     string
		prev    bool
	)
	if exeErr == nil {
		m, managed = release.Managed(exe)
		dir = filepath.Dir(exe)
		prev = !managed && release.HasPrevious(dir)
	}
	if err == nil && ask && !s.Asked && !managed {
		err = release.Consent(path, false) // shown: asked, and off until they say yes
	}
	a.u.do(func() {
		if gen != a.gen {
			return // a later fetch answers
		}
		a.filling = true
		a.enabled.SetChecked(s.Enabled)
		a.filling = false
		a.dir = dir
		if managed {
			a.enabled.Hide()
			a.hint.Hide()
			a.managed.SetText(m.Sentence())
			a.managed.Show()
		} else {
			a.enabled.Enable()
		}
		if prev {
			a.rollback.Show()
		}
		if err != nil {
			a.say(sentence(err))
		}
	})
}

// save records the person's answer at once, on the UI goroutine: a small file, and two
// answers in quick succession are saved in their order. UI goroutine only.
func (a *appUpdates) save(on bool) {
	if a.path == "" {
		return
	}
	if err := release.Consent(a.path, on); err != nil {
		a.say(sentence(err))
		return
	}
	a.say("")
}

// goBack puts the previous version back. UI goroutine only.
func (a *appUpdates) goBack() {
	if a.dir == "" {
		return
	}
	a.rollback.Disable()
	dir := a.dir
	a.u.files.Go(func() {
		err := release.Rollback(dir)
		a.u.do(func() {
			a.rollback.Enable()
			if err != nil {
				a.say(sentence(err))
				return
			}
			a.say(rolledBackText)
		})
	})
}

// say shows one sentence under the switch, or hides it for "". UI goroutine only.
func (a *appUpdates) say(s string) {
	a.note.SetText(s)
	if s == "" {
		a.note.Hide()
	} else {
		a.note.Show()
	}
}

// executable is the running program, links resolved (or the test's). UI goroutine only; the
// function it returns is safe anywhere.
func (a *appUpdates) executable() func() (string, error) {
	if a.exe != nil {
		return a.exe
	}
	return runningProgram
}

// runningProgram is this program's file, links resolved: its folder is what an update
// replaces.
func runningProgram() (string, error) {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	return exe, err
}
