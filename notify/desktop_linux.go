package notify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/mcptray/mcptray/internal/display"
)

// The freedesktop notification service's names on the session bus.
const (
	busName  = "org.freedesktop.Notifications"
	busPath  = dbus.ObjectPath("/org/freedesktop/Notifications")
	busIface = "org.freedesktop.Notifications"
)

// callTimeout bounds a call the notifier makes on its own (a guard's re-post); Post and
// Withdraw use their caller's context.
const callTimeout = 5 * time.Second

// OpenDesktop connects to the desktop's notification service: org.freedesktop.Notifications
// on the session bus. It fails with ErrNoService when none answers. Close the notifier when
// done: it owns a private bus connection and two goroutines.
func OpenDesktop(opts Options) (Notifier, error) {
	opts = opts.withDefaults()
	// A bus that accepts the connection but never answers its greeting must not hold the
	// window up: the connection's context ends it after callTimeout, and only then.
	connCtx, giveUp := context.WithCancel(context.Background())
	timer := time.AfterFunc(callTimeout, giveUp)
	var conn *dbus.Conn
	var err error
	if opts.BusAddress != "" {
		conn, err = dbus.Connect(opts.BusAddress, dbus.WithContext(connCtx))
	} else {
		conn, err = dbus.ConnectSessionBus(dbus.WithContext(connCtx))
	}
	if !timer.Stop() && err == nil {
		conn.Close()
		err = fmt.Errorf("the session bus did not answer within %v", callTimeout)
	}
	if err != nil {
		giveUp()
		return nil, fmt.Errorf("%w: %v", ErrNoService, err)
	}
	d := &desktop{
		conn: conn, giveUp: giveUp, obj: conn.Object(busName, busPath), opts: opts,
		sigs: make(chan *dbus.Signal, 64), events: make(chan Event), wake: make(chan struct{}, 1),
		done: make(chan struct{}), slots: map[string]*shown{}, byID: map[uint32]*shown{},
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	var caps []string
	if err := d.obj.CallWithContext(ctx, busIface+".GetCapabilities", 0).Store(&caps); err != nil {
		conn.Close()
		giveUp()
		return nil, fmt.Errorf("%w: %v", ErrNoService, err)
	}
	d.actions, d.markup = slices.Contains(caps, "actions"), slices.Contains(caps, "body-markup")
	if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(busPath), dbus.WithMatchInterface(busIface)); err != nil {
		conn.Close()
		giveUp()
		return nil, fmt.Errorf("%w: %v", ErrNoService, err)
	}
	conn.Signal(d.sigs)
	d.wg.Add(2)
	go d.readSignals()
	go d.deliver()
	return d, nil
}

// desktop is the freedesktop Notifier.
type desktop struct {
	conn            *dbus.Conn
	giveUp          context.CancelFunc // the connection's context
	obj             dbus.BusObject
	opts            Options
	actions, markup bool // the service's capabilities

	sigs   chan *dbus.Signal
	events chan Event

	// postMu serializes everything that talks to the service about a slot (Post, Withdraw,
	// a guard's re-post), so two posts to one slot cannot both create a notification.
	postMu sync.Mutex

	mu    sync.Mutex
	slots map[string]*shown // by slot
	byID  map[uint32]*shown // by the service's id
	queue []work            // for deliver, in order

	wake      chan struct{} // a nudge for deliver; capacity 1
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// shown is one notification the service accepted.
type shown struct {
	n     Notification
	id    uint32
	owner string    // the unique bus name that answered the post: signals come from it only
	at    time.Time // when it was shown, for the guard
}

// work is one thing for deliver to do: hand an event on, or re-post a notification whose
// action came too early.
type work struct {
	ev     Event
	repost *shown
}

func (d *desktop) SupportsActions() bool { return d.actions }

func (d *desktop) Events() <-chan Event { return d.events }

func (d *desktop) Post(ctx context.Context, n Notification) error {
	if n.Slot == "" {
		return errors.New("showing a notification: it has no slot")
	}
	d.postMu.Lock()
	defer d.postMu.Unlock()
	d.mu.Lock()
	old := d.slots[n.Slot]
	d.mu.Unlock()
	var replaces uint32
	if old != nil {
		replaces = old.id
	}
	return d.show(ctx, n, replaces, old)
}

// show posts n, replacing the notification replaces (0: none), and records it in place of
// old. The caller holds postMu.
func (d *desktop) show(ctx context.Context, n Notification, replaces uint32, old *shown) error {
	title, body := plainText(n.Title, n.Body, d.markup)
	var actions []string
	if d.actions {
		for _, a := range n.Actions {
			actions = append(actions, a.Key, display.Line(a.Label))
		}
	}
	category, transient := "x-mcptray.info", true
	if n.Kind == Approval {
		category, transient = "x-mcptray.approval", false
	}
	hints := map[string]dbus.Variant{
		"urgency":   dbus.MakeVariant(byte(n.Urgency)),
		"category":  dbus.MakeVariant(category),
		"resident":  dbus.MakeVariant(false),
		"transient": dbus.MakeVariant(transient),
	}
	at := d.opts.Now() // before the call, so the guard counts from the post however the answer is scheduled
	if old != nil {
		// The new content may appear under the pointer before the service answers: its
		// guard starts now, also for clicks that arrive under the old record.
		d.mu.Lock()
		old.at = at
		d.mu.Unlock()
	}
	var id uint32
	err := d.obj.CallWithContext(ctx, busIface+".Notify", 0,
		d.opts.AppName, replaces, "", title, body, actions, hints, expireMillis(n)).Store(&id)
	if err != nil {
		return fmt.Errorf("showing a notification: %w", err)
	}
	var owner string
	if err := d.conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetNameOwner", 0, busName).Store(&owner); err != nil {
		return fmt.Errorf("showing a notification: %w", err)
	}
	s := &shown{n: n, id: id, owner: owner, at: at}
	d.mu.Lock()
	if old != nil {
		delete(d.byID, old.id)
	}
	d.slots[n.Slot], d.byID[id] = s, s
	d.mu.Unlock()
	return nil
}

func (d *desktop) Withdraw(ctx context.Context, slot string) error {
	d.postMu.Lock()
	defer d.postMu.Unlock()
	d.mu.Lock()
	s := d.slots[slot]
	if s != nil {
		delete(d.slots, slot)
		delete(d.byID, s.id)
	}
	d.mu.Unlock()
	if s == nil {
		return nil
	}
	return d.closeID(ctx, s.id)
}

// closeID asks the service to close a notification. A service that answers with an error
// (the notification is already gone) has done what was asked.
func (d *desktop) closeID(ctx context.Context, id uint32) error {
	err := d.obj.CallWithContext(ctx, busIface+".CloseNotification", 0, id).Err
	var dbusErr dbus.Error
	if err != nil && !errors.As(err, &dbusErr) {
		return fmt.Errorf("withdrawing a notification: %w", err)
	}
	return nil
}

func (d *desktop) Close() error {
	d.closeOnce.Do(func() {
		close(d.done)
		d.conn.Close() // closes d.sigs, which ends readSignals
		d.giveUp()
		d.wg.Wait()
	})
	return nil
}

// readSignals turns the service's signals into work for deliver. It never blocks on
// anything but d.mu, so the bus connection always reads on (a program flooding MCP Tray's
// connection with signals costs a map lookup each).
func (d *desktop) readSignals() {
	defer d.wg.Done()
	for sig := range d.sigs {
		switch sig.Name {
		case busIface + ".ActionInvoked":
			var id uint32
			var key string
			if dbus.Store(sig.Body, &id, &key) == nil {
				d.actionInvoked(sig.Sender, id, key)
			}
		case busIface + ".NotificationClosed":
			var id, reason uint32
			if dbus.Store(sig.Body, &id, &reason) == nil {
				d.closed(sig.Sender, id, CloseReason(reason))
			}
		}
	}
}

func (d *desktop) actionInvoked(sender string, id uint32, key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.byID[id]
	if s == nil || sender != s.owner || !slices.ContainsFunc(s.n.Actions, func(a Action) bool { return a.Key == key }) {
		return
	}
	if tooEarly(s.at, d.opts.Now()) {
		d.push(work{repost: s})
		return
	}
	d.push(work{ev: Event{Kind: ActionInvoked, Slot: s.n.Slot, Action: key}})
}

func (d *desktop) closed(sender string, id uint32, reason CloseReason) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.byID[id]
	if s == nil || sender != s.owner {
		return
	}
	delete(d.byID, id)
	if d.slots[s.n.Slot] == s {
		delete(d.slots, s.n.Slot)
	}
	d.push(work{ev: Event{Kind: Closed, Slot: s.n.Slot, Reason: reason}})
}

// push queues w for deliver. The caller holds d.mu.
func (d *desktop) push(w work) {
	d.queue = append(d.queue, w)
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// deliver hands queued events to Events in order and re-posts notifications whose action
// came inside the guard; it ends on Close and then closes Events.
func (d *desktop) deliver() {
	defer d.wg.Done()
	defer close(d.events)
	for {
		d.mu.Lock()
		var w work
		ok := len(d.queue) > 0
		if ok {
			w = d.queue[0]
			d.queue = d.queue[1:]
		}
		d.mu.Unlock()
		if !ok {
			select {
			case <-d.wake:
				continue
			case <-d.done:
				return
			}
		}
		if w.repost != nil {
			d.repost(w.repost)
			continue
		}
		select {
		case d.events <- w.ev:
		case <-d.done:
			return
		}
	}
}

// repost shows s again as a new notification, so its guard starts again, unless it was
// replaced or withdrawn meanwhile. A failure leaves the prompt as the way to answer.
func (d *desktop) repost(s *shown) {
	d.postMu.Lock()
	defer d.postMu.Unlock()
	d.mu.Lock()
	current := d.slots[s.n.Slot] == s
	if current {
		delete(d.slots, s.n.Slot)
		delete(d.byID, s.id)
	}
	d.mu.Unlock()
	if !current {
		return
	}
	// Close closes the connection, which ends these calls at once.
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	_ = d.closeID(ctx, s.id)
	_ = d.show(ctx, s.n, 0, nil)
}
