package notify

import (
	"context"
	"errors"
	"time"
)

// Guard is how long after a notification is shown its actions are ignored (see the package
// doc): a click or key meant for something else must not answer an approval.
const Guard = time.Second

// DefaultExpire is how long an informational notification stays when Notification.Expire is
// zero.
const DefaultExpire = 10 * time.Second

// Never, as Notification.Expire, keeps a notification until it is withdrawn or dismissed.
const Never time.Duration = -1

// ErrUnsupported is returned by OpenDesktop where this package has no native implementation
// (macOS for now): the GUI then uses its own notifications and the prompt.
var ErrUnsupported = errors.New("this desktop's notifications cannot be used by MCP Tray yet")

// ErrNoService is returned by OpenDesktop when no notification service answers on the
// session bus (a desktop without one, or a session without D-Bus).
var ErrNoService = errors.New("no notification service is running on this desktop")

// Urgency is how insistent a notification is, as the freedesktop spec numbers it.
type Urgency byte

// Urgencies.
const (
	Low Urgency = iota
	Normal
	Critical
)

// Kind says what a notification is for: it picks the category and the default expiry.
type Kind int

// Kinds.
const (
	// Info tells the person something; it expires after DefaultExpire and is transient (not
	// kept in the desktop's history).
	Info Kind = iota
	// Approval asks the person to decide about a held call; it never expires on its own and
	// is withdrawn when the call ends.
	Approval
)

// Action is one button on a notification. Key comes back in an ActionInvoked event; Label is
// what the button says. The key "default" is reserved by the spec for a click on the
// notification's body.
type Action struct {
	Key   string
	Label string
}

// Notification is one post. Title and Body may hold text from servers and AI apps: the
// notifier makes them safe to show (internal/display, then markup escaping where the service
// reads markup); callers pass them as they are.
type Notification struct {
	// Slot names the notification for Post and Withdraw: a post to a slot that is showing
	// replaces it. An approval's slot is its approval id.
	Slot    string
	Title   string // one line
	Body    string // may span lines
	Urgency Urgency
	Kind    Kind
	// Actions are the buttons, in order; shown only where SupportsActions is true.
	Actions []Action
	// Expire is how long the notification stays: 0 for the kind's default (DefaultExpire for
	// Info, Never for Approval), Never, or a duration (rounded to milliseconds).
	Expire time.Duration
}

// EventKind says what happened to a posted notification.
type EventKind int

// Event kinds.
const (
	// ActionInvoked: the person clicked one of the notification's buttons (Event.Action),
	// at least Guard after it was shown.
	ActionInvoked EventKind = iota + 1
	// Closed: the notification went away by itself or by the person (Event.Reason). A
	// notification withdrawn by Withdraw or replaced by Post reports nothing.
	Closed
)

// CloseReason is why a notification closed, as the freedesktop spec numbers it.
type CloseReason uint32

// Close reasons.
const (
	Expired   CloseReason = 1
	Dismissed CloseReason = 2
	Withdrawn CloseReason = 3 // closed by CloseNotification
	Undefined CloseReason = 4
)

// Event is what the person did with a posted notification.
type Event struct {
	Kind   EventKind
	Slot   string
	Action string      // the Action.Key, for ActionInvoked
	Reason CloseReason // for Closed
}

// Notifier posts, replaces and withdraws notifications and reports what the person did with
// them. Its methods are safe for concurrent use.
type Notifier interface {
	// Post shows n, replacing whatever shows in n.Slot. It blocks until the notification
	// service has answered or ctx ends.
	Post(ctx context.Context, n Notification) error
	// Withdraw closes the notification in slot. It is idempotent: an empty or unknown slot is
	// no error. No Closed event follows.
	Withdraw(ctx context.Context, slot string) error
	// Events delivers what the person did, in order. The notifier never blocks on a slow
	// reader (events wait in an unbounded queue); the channel is closed by Close.
	Events() <-chan Event
	// SupportsActions reports whether the desktop shows buttons on notifications. When it
	// is false, Actions are not shown and the approval prompt is the only way to answer.
	SupportsActions() bool
	// Close stops the notifier: notifications it showed stay as they are. It is idempotent.
	Close() error
}

// DefaultAppID is the Windows AppUserModelID toasts show under when Options.AppID is "".
const DefaultAppID = "MCPTray.MCPTray"

// Options configure OpenDesktop. The zero value is usable.
type Options struct {
	// AppName is the application name the desktop shows; "" means "MCP Tray".
	AppName string
	// AppID is, on Windows, the AppUserModelID toasts show under (the installer's Start menu
	// shortcut names the same one); "" means DefaultAppID. Other systems ignore it.
	AppID string
	// BusAddress is the session bus to use; "" means the session's own
	// (DBUS_SESSION_BUS_ADDRESS). Tests pass a private bus.
	BusAddress string
	// Now is the clock for the one-second guard; nil means time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.AppName == "" {
		o.AppName = "MCP Tray"
	}
	if o.AppID == "" {
		o.AppID = DefaultAppID
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// expireMillis is n's expire_timeout in the spec's terms: milliseconds, 0 for never.
func expireMillis(n Notification) int32 {
	d := n.Expire
	if d == 0 {
		d = DefaultExpire
		if n.Kind == Approval {
			d = Never
		}
	}
	if d < 0 {
		return 0
	}
	ms := d.Milliseconds()
	if ms < 1 {
		ms = 1
	}
	if ms > 1<<31-1 {
		ms = 1<<31 - 1
	}
	return int32(ms)
}

// tooEarly reports whether an action at now, on a notification shown at shown, falls inside
// the guard.
func tooEarly(shown, now time.Time) bool {
	return now.Sub(shown) < Guard
}
