package app

import (
	"context"
	"errors"
	"runtime/debug"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/policy"
)

// ApprovalWindowTitle is the title of the approval prompt's window; tests and window
// managers find it by this name.
const ApprovalWindowTitle = "MCP Tray: approval needed"

// notifiedLimit bounds how many calls the prompt remembers notifying about: enough that a call
// still waiting after a reconnect (the daemon sends it again) is not announced twice.
const notifiedLimit = 256

// tickEvery is how often the countdown redraws while calls wait.
const tickEvery = 250 * time.Millisecond

// readyAfter is how long the prompt ignores every key and click after a call comes to its
// front: an Enter or a click meant for another window must not answer a call the person has
// not seen.
const readyAfter = time.Second

// approvalPrompt is the one small window that asks about held tool calls, oldest first, one at
// a time ("1 of 3"). It shows what the model's queue holds minus the calls the person has
// already answered here and whose resolution the daemon has not yet reported. Only the UI
// goroutine touches it.
type approvalPrompt struct {
	u         *UI
	view      *approvalView   // nil until the first call is held
	answering map[string]bool // ids answered here, until the daemon resolves them
	notified  map[string]bool // ids a notification went out for, the last notifiedLimit
	order     []string        // notified ids, oldest first
	problem   string          // why the last answer did not reach the daemon
	stopTick  func()          // stops the countdown ticker; nil when it is not running

	// readyAt is when the call on screen starts taking answers (readyAfter after it came to
	// the front); down holds the keys pressed since then and not yet released: a key acts
	// when it is released, and only if it went down after readyAt, so neither a key held
	// since before the prompt appeared nor its repeats can answer.
	readyAt time.Time
	down    map[fyne.KeyName]bool
}

func newApprovalPrompt(u *UI) *approvalPrompt {
	return &approvalPrompt{u: u, answering: map[string]bool{}, notified: map[string]bool{}, down: map[fyne.KeyName]bool{}}
}

// waiting is the calls the prompt asks about, oldest first.
func (p *approvalPrompt) waiting() []policy.Approval {
	var out []policy.Approval
	for _, a := range p.u.m.approvals.items {
		if !p.answering[a.ID] {
			out = append(out, a)
		}
	}
	return out
}

// reset forgets local answers: the event stream reconnected and the daemon's snapshot is
// the truth again.
func (p *approvalPrompt) reset() { clear(p.answering) }

// added notifies the person of a newly held call, once per call.
func (p *approvalPrompt) added(a policy.Approval) {
	if p.notified[a.ID] {
		return
	}
	p.notified[a.ID] = true
	p.order = append(p.order, a.ID)
	if len(p.order) > notifiedLimit {
		delete(p.notified, p.order[0])
		p.order = p.order[1:]
	}
	title, text := notification(a)
	p.u.notices.fallback(title, text)
}

// sync makes the window match the queue: shown and focused while calls wait, hidden when
// none do. It is idempotent.
func (p *approvalPrompt) sync() {
	live := map[string]bool{}
	for _, a := range p.u.m.approvals.items {
		live[a.ID] = true
	}
	for id := range p.answering {
		if !live[id] {
			delete(p.answering, id)
		}
	}
	waiting := p.waiting()
	p.u.notices.follow(waiting)
	if len(waiting) == 0 {
		p.problem = ""
		if p.view != nil {
			p.view.problem.Hide()
		}
		if p.view != nil && p.view.visible {
			p.view.win.Hide()
			p.view.visible, p.view.shown = false, ""
			go releaseMemory()
		}
		p.stopTicking()
		return
	}
	first := p.view == nil
	if first {
		p.view = newApprovalView(p)
	}
	changed := p.view.render(waiting, p.u.now())
	if first || !p.view.visible {
		p.view.visible = true
		p.view.win.Show()
		changed = true
	}
	if changed { // a new call on screen: bring it forward, but never steal focus otherwise
		p.readyAt = p.u.now().Add(readyAfter)
		clear(p.down)
		p.view.win.RequestFocus()
	}
	p.view.renderReady(p.u.now())
	p.startTicking()
}

// show brings the window forward (the tray's "Pending approvals" item).
func (p *approvalPrompt) show() {
	if p.view != nil {
		p.view.visible = false
	}
	p.sync()
}

// answer sends the person's answer for the call with this id to the daemon. The call leaves
// the window at once; if the daemon did not take the answer (other than because the call was
// already resolved), it comes back with a sentence saying why.
func (p *approvalPrompt) answer(id, answer string) {
	if id == "" || p.answering[id] {
		return
	}
	p.answering[id] = true
	p.problem = ""
	m, params := api.Approve, api.ApproveParams{ID: id, Answer: answer}
	if answer == "deny" {
		m, params = api.Deny, api.ApproveParams{ID: id}
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := api.Call(ctx, p.u.opts.Client, m, params)
		if err == nil || isGone(err) {
			return
		}
		p.u.do(func() {
			delete(p.answering, id)
			p.problem = "MCP Tray could not record your answer: " + err.Error()
			p.sync()
		})
	}()
	p.sync()
}

// isGone reports a daemon error saying the call is no longer waiting: answered elsewhere,
// timed out or withdrawn. The approval_resolved event removes it from the queue.
func isGone(err error) bool {
	return errors.Is(err, api.ErrNotFound) || errors.Is(err, api.ErrAlreadyAnswered)
}

// denyAll denies every call in the window: closing it means no.
func (p *approvalPrompt) denyAll() {
	for _, a := range p.waiting() {
		p.answer(a.ID, "deny")
	}
}

// tick redraws the countdown and turns the answer buttons on once the call has been on
// screen for readyAfter. A call whose time is up stays until the daemon reports it resolved:
// the daemon times it out itself and records it as timed out, which an answer sent from here
// would turn into the person's denial. UI goroutine only.
func (p *approvalPrompt) tick() {
	if p.view != nil && p.view.shown != "" {
		now := p.u.now()
		p.view.renderClock(now)
		p.view.renderReady(now)
	}
}

// ready reports whether the call on screen takes answers: it has been on screen for
// readyAfter and its time is not up. UI goroutine only.
func (p *approvalPrompt) ready() bool {
	if p.view == nil || p.view.shown == "" {
		return false
	}
	now := p.u.now()
	return !now.Before(p.readyAt) && (p.view.due.IsZero() || now.Before(p.view.due))
}

// tapped is an answer button's click: it counts only once the prompt is ready.
func (p *approvalPrompt) tapped(answer string) {
	if p.ready() {
		p.answer(p.view.shown, answer)
	}
}

// startTicking runs the countdown while calls wait. The ticker goroutine only posts ticks to
// the UI goroutine; stopTicking ends it.
func (p *approvalPrompt) startTicking() {
	if p.stopTick != nil {
		return
	}
	done := make(chan struct{})
	p.stopTick = func() { close(done) }
	go func() {
		t := time.NewTicker(tickEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.u.do(p.tick)
			}
		}
	}()
}

func (p *approvalPrompt) stopTicking() {
	if p.stopTick != nil {
		p.stopTick()
		p.stopTick = nil
	}
}

// keyDown notes an answer key pressed while the prompt is ready; presses before then are
// forgotten. The operating system repeats a held key as typed keys, never as new presses, so a
// key held down since before the prompt appeared never counts. Any other key but Tab, the
// arrows and the modifiers is typing, meant for the window the prompt took the focus from
// (red team, 6 December 2026: a person typing lines into an editor for more than a second
// approved with their next Enter): it puts the prompt back to waiting, so that no key
// answers until readyAfter has passed without one. UI goroutine only.
func (p *approvalPrompt) keyDown(ev *fyne.KeyEvent) { p.press(ev, false) }

// press is keyDown; onButton says a focused button got the key, for which Space is its own
// answer key (promptButton.KeyUp) rather than typing.
func (p *approvalPrompt) press(ev *fyne.KeyEvent, onButton bool) {
	answers := answerKeys[ev.Name] || onButton && ev.Name == fyne.KeySpace
	switch {
	case p.view == nil || p.view.shown == "":
	case answers && p.ready():
		p.down[ev.Name] = true
	case answers || !quietKeys[ev.Name]:
		p.readyAt = p.u.now().Add(readyAfter)
		clear(p.down)
		p.view.renderReady(p.u.now())
	}
}

// answerKeys answer the call on screen when released (keyUp); quietKeys move between the
// prompt's buttons or modify other keys, and are not typing.
var (
	answerKeys = map[fyne.KeyName]bool{fyne.KeyReturn: true, fyne.KeyEnter: true, fyne.KeyEscape: true}
	quietKeys  = map[fyne.KeyName]bool{fyne.KeyTab: true, fyne.KeyUp: true, fyne.KeyDown: true, fyne.KeyLeft: true, fyne.KeyRight: true,
		desktop.KeyShiftLeft: true, desktop.KeyShiftRight: true, desktop.KeyControlLeft: true, desktop.KeyControlRight: true,
		desktop.KeyAltLeft: true, desktop.KeyAltRight: true, desktop.KeySuperLeft: true, desktop.KeySuperRight: true}
)

// keyUp acts on the release of a key pressed while the prompt was ready: Enter (either key)
// allows once, Escape denies. It reports whether the key was one the prompt answers with
// (pressed in time or not), so a focused button leaves it alone. Enter is never "always
// allow". UI goroutine only.
func (p *approvalPrompt) keyUp(ev *fyne.KeyEvent) bool {
	pressed := p.down[ev.Name]
	delete(p.down, ev.Name)
	answer := ""
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		answer = "once"
	case fyne.KeyEscape:
		answer = "deny"
	default:
		return false
	}
	if pressed && p.ready() {
		p.answer(p.view.shown, answer)
	}
	return true
}

// releaseMemory gives the memory the GUI no longer uses back to the operating system: the tray
// app idles for hours after a burst of work (start, a prompt), and the Go runtime would
// otherwise keep the freed pages for a while. It forces a garbage collection; call it off the
// UI goroutine, after such a burst.
func releaseMemory() { debug.FreeOSMemory() }

// alwaysOnTop asks the window manager to keep w above other windows where the platform
// allows; elsewhere the window asks for focus each time a call arrives.
func alwaysOnTop(w fyne.Window) {
	if dw, ok := w.(desktop.Window); ok {
		dw.RequestAlwaysOnTop()
	}
}
