package app

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/internal/display"
)

// A change to config.json that MCP Tray did not make itself and that loosens something (a new
// server, a new AI app binding, trust, an allow rule, a production context) waits until the
// person confirms it: api.ConfigPending says what waits, api.ConfigConfirm accepts exactly the
// changes the person saw (by their fingerprint: if the file changed again meanwhile, the
// daemon refuses rather than apply something unseen), api.ConfigDiscard undoes them.

// reviewConfigLabel is the tray menu's item while a change waits.
const reviewConfigLabel = "Review a change to MCP Tray's settings…"

// pendingBanner is the main window's banner above every tab while a change to config.json
// waits for the person: what changed, "Allow these changes" and "Undo them". Like the approval
// prompt's answers, its buttons take no click for readyAfter after new changes are shown. Only
// the UI goroutine touches it.
type pendingBanner struct {
	w       *mainWindow
	box     *fyne.Container
	title   *widget.Label
	changes *widget.Label
	wait    *widget.Label
	allow   *widget.Button
	undo    *widget.Button
	note    *widget.Label
	buttons *fyne.Container
	shown   string    // the fingerprint on screen; "" when the banner is hidden
	readyAt time.Time // when its buttons start to work
	busy    bool      // an answer is on its way to the daemon
	fetched int       // config.pending answers received (tests wait on it)
}

func newPendingBanner(w *mainWindow) *pendingBanner {
	b := &pendingBanner{w: w}
	b.title = widget.NewLabelWithStyle(pendingTitle, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.title.Wrapping = fyne.TextWrapWord
	b.changes = wrapped("")
	b.wait = widget.NewLabel("")
	b.wait.Importance = widget.LowImportance
	b.allow = widget.NewButton("Allow these changes", func() { b.answer(true) })
	b.allow.Importance = widget.WarningImportance
	b.undo = widget.NewButton("Undo them", func() { b.answer(false) })
	b.undo.Importance = widget.HighImportance
	b.note = wrapped("If you did not make them yourself, undo them.")
	b.buttons = container.NewHBox(b.undo, b.allow, b.wait)
	b.box = container.NewVBox(b.title, b.changes, b.note, b.buttons, widget.NewSeparator())
	b.box.Hide()
	return b
}

// fetch asks the daemon what waits and shows it. A daemon that does not know the method (an
// older one) has nothing to confirm: the banner stays hidden.
func (b *pendingBanner) fetch() {
	callThen(b.w.u, api.ConfigPending, api.None{}, func(res api.PendingResult, err error) {
		b.fetched++
		if err != nil || !res.Pending || res.Fingerprint == "" {
			b.hide()
			return
		}
		b.show(res)
	})
}

func (b *pendingBanner) hide() {
	b.shown = ""
	b.box.Hide()
}

// pendingTitle heads the banner; a keychain that cannot be read heads it instead with what to
// do (keyringProblem), since then every setting waits, not only what another program changed.
const pendingTitle = "Something changed MCP Tray's settings file. These changes wait for you:"

// show draws the changes; new changes restart the readiness delay. When the keychain cannot
// be read, the person's own settings wait too: the banner then offers neither undo (it would
// remove their setup) nor allow, only what to do.
func (b *pendingBanner) show(res api.PendingResult) {
	text, title, locked := "", pendingTitle, false
	for _, c := range res.Changes {
		if plain, ok := keyringProblem(c); ok {
			title, locked = plain+" Until then, these settings wait:", true
			continue
		}
		text += "• " + display.Line(c) + "\n"
	}
	b.title.SetText(title)
	if text == "" {
		text = "• (MCP Tray could not describe the change.)\n"
	}
	b.changes.SetText(text[:len(text)-1])
	if res.Fingerprint != b.shown {
		b.shown = res.Fingerprint
		b.busy = false
		b.readyAt = b.w.u.now().Add(readyAfter)
	}
	setShown(b.note, !locked)
	setShown(b.buttons, !locked)
	b.renderReady() // schedules the redraw at readiness
	b.box.Show()
}

// ready reports whether the banner's buttons take a click.
func (b *pendingBanner) ready() bool {
	return b.shown != "" && !b.busy && !b.w.u.now().Before(b.readyAt)
}

// renderReady turns the buttons on once the changes have been on screen for readyAfter.
func (b *pendingBanner) renderReady() {
	ready := b.ready()
	setEnabled(b.allow, ready)
	setEnabled(b.undo, ready)
	left := b.readyAt.Sub(b.w.u.now())
	b.wait.SetText(readyNote("the changes", left))
	setShown(b.wait, b.shown != "" && left > 0)
	if b.shown != "" && !ready && left > 0 && !b.busy {
		time.AfterFunc(left, func() { b.w.u.do(b.renderReady) })
	}
}

// answer confirms exactly the changes on screen (by their fingerprint) or undoes them.
func (b *pendingBanner) answer(allow bool) {
	if !b.ready() {
		return
	}
	b.busy = true
	b.renderReady()
	done := func(_ api.PendingResult, err error) {
		b.busy = false
		if err != nil && !errors.Is(err, api.ErrUnknownMethod) {
			b.w.showError(err)
		}
		b.fetch() // the truth after the answer: gone, or changed again meanwhile
	}
	if allow {
		callThen(b.w.u, api.ConfigConfirm, api.ConfirmParams{Fingerprint: b.shown}, done)
	} else {
		callThen(b.w.u, api.ConfigDiscard, api.None{}, done)
	}
}
