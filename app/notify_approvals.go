package app

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mcptray/mcptray/notify"
	"github.com/mcptray/mcptray/policy"
)

// Notification action keys of an approval's notification (docs/notifications.md).
const (
	actionAllow = "allow"
	actionDeny  = "deny"
)

// noticeTimeout bounds one round trip to the notification service.
const noticeTimeout = 5 * time.Second

// desktopNotices is the window process's desktop notifications (issue #20): a held call is
// posted through package notify in a slot named by its approval id, with "Allow once" and
// "Deny" where the desktop shows buttons, and withdrawn as soon as the call stops waiting for
// the person here (answered from the prompt, the notification or the CLI, timed out, withdrawn
// by the AI app, or the daemon gone). Informational notices expire and replace the one of the
// same subject. Where notify cannot be used (macOS and Windows for now, or no notification
// service), Fyne's own notifications stand in, once per call, and the prompt is the way to
// answer.
//
// posted is owned by the UI goroutine; the notifier is opened lazily, on first use, by the
// worker goroutine, which alone calls it, in order, so the UI goroutine never waits on D-Bus.
type desktopNotices struct {
	u *UI
	// open connects to the desktop's notification service; tests point it at a private bus.
	// nil means Fyne's notifications only, sent at once on the caller's goroutine.
	open   func() (notify.Notifier, error)
	posted map[string]bool // approval ids with a notification up; UI goroutine only

	mu      sync.Mutex
	ops     []func(ctx context.Context, n notify.Notifier) // for the worker, in order; n is nil without a notifier
	wake    chan struct{}
	started bool
	closed  chan struct{} // closed by close; ends the worker once its ops are done
	done    chan struct{} // closed when the worker has ended
}

func newDesktopNotices(u *UI) *desktopNotices {
	return &desktopNotices{u: u, posted: map[string]bool{}, wake: make(chan struct{}, 1),
		closed: make(chan struct{}), done: make(chan struct{}),
		open: func() (notify.Notifier, error) { return notify.OpenDesktop(notify.Options{}) }}
}

// follow makes the approval notifications match the calls that wait for the person: a new
// one is posted, one no longer waiting is withdrawn. It is idempotent. UI goroutine only.
func (d *desktopNotices) follow(waiting []policy.Approval) {
	live := map[string]bool{}
	for _, a := range waiting {
		live[a.ID] = true
		if !d.posted[a.ID] {
			d.posted[a.ID] = true
			d.queue(func(ctx context.Context, n notify.Notifier) { d.postApproval(ctx, n, a) })
		}
	}
	for id := range d.posted {
		if !live[id] {
			delete(d.posted, id)
			d.queue(func(ctx context.Context, n notify.Notifier) {
				if n != nil {
					n.Withdraw(ctx, id)
				}
			})
		}
	}
}

// fallback shows an approval's notice with Fyne's notifications when the desktop's own cannot
// be used; with them it does nothing (follow posts the call). Safe from any goroutine.
func (d *desktopNotices) fallback(title, body string) {
	d.queue(func(ctx context.Context, n notify.Notifier) {
		if n == nil {
			d.u.notify(fyne.NewNotification(title, body))
		}
	})
}

// info shows an informational notice that expires by itself and replaces the last one about
// the same subject (slot). Safe from any goroutine.
func (d *desktopNotices) info(slot, title, body string) {
	d.queue(func(ctx context.Context, n notify.Notifier) {
		if n == nil {
			d.u.notify(fyne.NewNotification(title, body))
			return
		}
		n.Post(ctx, notify.Notification{Slot: "info:" + slot, Title: title, Body: body, Kind: notify.Info})
	})
}

// postApproval posts a held call with its buttons. Worker goroutine only.
func (d *desktopNotices) postApproval(ctx context.Context, n notify.Notifier, a policy.Approval) {
	if n == nil {
		return // fallback announces it
	}
	title, body := notification(a)
	var actions []notify.Action
	if n.SupportsActions() {
		body = headline(a) + " Allow it once or deny it here, or open MCP Tray for more choices."
		actions = []notify.Action{{Key: actionAllow, Label: "Allow once"}, {Key: actionDeny, Label: "Deny"}}
	}
	n.Post(ctx, notify.Notification{Slot: a.ID, Kind: notify.Approval, Urgency: notify.Critical,
		Title: title, Body: body, Actions: actions})
}

// queue hands op to the worker, starting it on first use. It never blocks.
func (d *desktopNotices) queue(op func(ctx context.Context, n notify.Notifier)) {
	if d.open == nil {
		op(context.Background(), nil)
		return
	}
	d.mu.Lock()
	if d.isClosed() {
		d.mu.Unlock()
		return
	}
	d.ops = append(d.ops, op)
	start := !d.started
	d.started = true
	d.mu.Unlock()
	if start {
		go d.work()
	}
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// work opens the notifier and carries out the queued ops in order until close.
func (d *desktopNotices) work() {
	defer close(d.done)
	n, err := d.open()
	if err != nil {
		n = nil // ErrUnsupported or ErrNoService: Fyne's notifications and the prompt
	} else {
		defer n.Close()
		go d.listen(n)
	}
	for {
		d.mu.Lock()
		ops := d.ops
		d.ops = nil
		d.mu.Unlock()
		for _, op := range ops {
			ctx, cancel := context.WithTimeout(context.Background(), noticeTimeout)
			op(ctx, n)
			cancel()
		}
		if len(ops) > 0 {
			continue
		}
		select {
		case <-d.wake:
		case <-d.closed:
			d.mu.Lock()
			left := len(d.ops)
			d.mu.Unlock()
			if left == 0 {
				return
			}
		}
	}
}

// listen turns the person's clicks on an approval's buttons into answers, on the UI
// goroutine. It ends when the notifier is closed.
func (d *desktopNotices) listen(n notify.Notifier) {
	for ev := range n.Events() {
		if ev.Kind != notify.ActionInvoked {
			continue
		}
		d.u.do(func() { d.u.approvals.fromNotification(ev.Slot, ev.Action) })
	}
}

// close withdraws the approvals still shown (once this process ends, nobody would take
// their buttons' answers) and closes the notifier, waiting for the queued work, at most
// 2×noticeTimeout. Call it once, after the UI has stopped.
func (d *desktopNotices) close() {
	d.follow(nil)
	d.mu.Lock()
	started := d.started
	if !d.isClosed() {
		close(d.closed)
	}
	d.mu.Unlock()
	if started {
		select {
		case <-d.done:
		case <-time.After(2 * noticeTimeout):
		}
	}
}

// isClosed reports whether close was called.
func (d *desktopNotices) isClosed() bool {
	select {
	case <-d.closed:
		return true
	default:
		return false
	}
}

// fromNotification answers a held call from its notification's button exactly as the
// prompt's buttons do (answer); the notifier has already applied the one-second guard. A
// button of a call no longer waiting here does nothing. UI goroutine only.
func (p *approvalPrompt) fromNotification(id, action string) {
	answer := ""
	switch action {
	case actionAllow:
		answer = "once"
	case actionDeny:
		answer = "deny"
	default:
		return
	}
	for _, a := range p.waiting() {
		if a.ID == id {
			p.answer(id, answer)
			return
		}
	}
}
