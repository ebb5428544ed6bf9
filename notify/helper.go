package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"sync"
	"time"

	"github.com/mcptray/mcptray/internal/display"
)

// A helper is a child process that shows notifications for this package where Go cannot call
// the desktop's API itself: on Windows, a PowerShell script that drives WinRT toasts
// (desktop_windows.go). It speaks JSON lines on its standard input and output:
//
//	to the helper:   {"id":1,"op":"show","tag":"…","xml":"<toast…>","expire_ms":10000}
//	                 {"id":2,"op":"remove","tag":"…"}
//	from the helper: {"ev":"ready","actions":true}            once, when it can show toasts
//	                 {"ev":"done","id":1,"error":""}           one answer per request
//	                 {"ev":"activated","tag":"…","args":"…"}   a button was clicked
//	                 {"ev":"dismissed","tag":"…","reason":"UserCanceled"}
//
// Everything that decides (the slots, the guard, which clicks count) is here, in Go, and runs
// on every platform; the helper only shows, removes and reports. Its output is believed only
// for toasts this notifier showed: an activation's arguments must name the slot of the tag
// it came with, and one of that notification's actions.

// helperMsg is one line either way.
type helperMsg struct {
	ID       int    `json:"id,omitempty"`
	Op       string `json:"op,omitempty"`
	Tag      string `json:"tag,omitempty"`
	XML      string `json:"xml,omitempty"`
	ExpireMS int64  `json:"expire_ms,omitempty"`
	// show also carries the notification itself, for a transport that is not a toast
	// helper (macOS, in this process); the process helper ignores it. Text is as shown:
	// through internal/display already.
	Slot     string   `json:"-"`
	Title    string   `json:"-"`
	Body     string   `json:"-"`
	Approval bool     `json:"-"`
	Buttons  []Action `json:"-"`
	Ev       string   `json:"ev,omitempty"`
	Actions  bool     `json:"actions,omitempty"`
	Args     string   `json:"args,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	Error    string   `json:"error,omitempty"`
}

// helperTimeout bounds the helper's start and a call the notifier makes on its own (a
// guard's re-post); Post and Withdraw use their caller's context. A variable for tests.
var helperTimeout = 5 * time.Second

// maxHelperLine bounds one line from the helper.
const maxHelperLine = 1 << 20

// transport carries the protocol's messages to whatever shows the notifications: a helper
// process's pipes (processTransport), or on macOS calls in this process. Answers and reports
// come back through helper.receive; helper.ended says nothing more will come.
type transport interface {
	send(m helperMsg) error // one request; safe for concurrent use
	close()                 // ends the transport; blocks until helper.ended was called
}

// helper is the Notifier over a transport.
type helper struct {
	opts    Options
	t       transport
	actions bool

	postMu sync.Mutex // Post, Withdraw and a guard's re-post, one at a time

	mu      sync.Mutex
	slots   map[string]*helperShown // by slot
	byTag   map[string]*helperShown
	waiting map[int]chan string // answers to requests, by id: the error text, "" for none
	nextID  int
	queue   []helperWork

	ready     chan bool     // the helper's "ready" line: whether it shows buttons
	exited    chan struct{} // closed by ended: nothing more is received
	endOnce   sync.Once
	wake      chan struct{} // a nudge for deliver; capacity 1
	done      chan struct{}
	events    chan Event
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// helperShown is one notification the helper showed.
type helperShown struct {
	n   Notification
	tag string
	at  time.Time // when it was shown, for the guard
}

// helperWork is one thing for deliver to do: hand an event on, or re-post a notification
// whose action came too early.
type helperWork struct {
	ev     Event
	repost *helperShown
}

// startHelper starts cmd as a helper process and waits (up to helperTimeout) for its "ready"
// line. It fails with ErrNoService when the helper cannot start or is not ready; the process
// is then gone. cmd's Stdin and Stdout must be unset.
func startHelper(cmd *exec.Cmd, opts Options) (*helper, error) {
	return newHelper(opts, func(h *helper) (transport, error) {
		in, err := cmd.StdinPipe()
		if err != nil {
			return nil, err
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("starting the notification helper: %v", err)
		}
		p := &processTransport{cmd: cmd, in: in, h: h}
		h.wg.Add(1)
		go p.read(out)
		return p, nil
	})
}

// newHelper opens a transport with open and waits (up to helperTimeout) for its "ready"
// message. It fails with ErrNoService when the transport cannot open or is not ready.
func newHelper(opts Options, open func(h *helper) (transport, error)) (*helper, error) {
	opts = opts.withDefaults()
	h := &helper{opts: opts,
		slots: map[string]*helperShown{}, byTag: map[string]*helperShown{}, waiting: map[int]chan string{},
		ready: make(chan bool, 1), exited: make(chan struct{}), wake: make(chan struct{}, 1),
		done: make(chan struct{}), events: make(chan Event)}
	t, err := open(h)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoService, err)
	}
	h.t = t
	h.wg.Add(1)
	go h.deliver()
	select {
	case h.actions = <-h.ready:
		return h, nil
	case <-h.exited:
		h.Close()
		return nil, fmt.Errorf("%w: the notification helper ended before it was ready", ErrNoService)
	case <-time.After(helperTimeout):
		h.Close()
		return nil, fmt.Errorf("%w: the notification helper was not ready within %v", ErrNoService, helperTimeout)
	}
}

// processTransport is a helper process speaking JSON lines on its standard input and output.
type processTransport struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	h       *helper
	writeMu sync.Mutex // one line at a time
}

func (p *processTransport) send(m helperMsg) error {
	line, err := json.Marshal(m)
	if err != nil {
		return err
	}
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	if _, err := p.in.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("the notification helper is gone: %w", err)
	}
	return nil
}

// close ends the helper: it ends when its input does; one that does not within helperTimeout
// is killed.
func (p *processTransport) close() {
	p.in.Close()
	select {
	case <-p.h.exited:
	case <-time.After(helperTimeout):
		_ = p.cmd.Process.Kill()
		<-p.h.exited // Wait closes the output pipe: only after the last read
	}
	_ = p.cmd.Wait()
}

// read hands the helper's lines to receive; it ends with the output.
func (p *processTransport) read(out io.Reader) {
	defer p.h.wg.Done()
	defer p.h.ended()
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), maxHelperLine)
	for sc.Scan() {
		var m helperMsg
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			p.h.receive(m)
		}
	}
}

func (h *helper) SupportsActions() bool { return h.actions }

func (h *helper) Events() <-chan Event { return h.events }

func (h *helper) Post(ctx context.Context, n Notification) error {
	if n.Slot == "" {
		return errors.New("showing a notification: it has no slot")
	}
	h.postMu.Lock()
	defer h.postMu.Unlock()
	return h.show(ctx, n)
}

// show posts n in its slot, replacing what shows there. The caller holds postMu.
func (h *helper) show(ctx context.Context, n Notification) error {
	tag := toastTag(n.Slot)
	at := h.opts.Now() // before the call: the new content may appear before the answer
	h.mu.Lock()
	if old := h.slots[n.Slot]; old != nil {
		old.at = at // clicks that arrive under the old record wait out the new guard too
	}
	h.mu.Unlock()
	var expire int64
	if ms := expireMillis(n); ms > 0 {
		expire = int64(ms)
	}
	m := helperMsg{Op: "show", Tag: tag, XML: toastXML(n, h.actions), ExpireMS: expire,
		Slot: n.Slot, Title: display.Line(n.Title), Body: display.Text(n.Body), Approval: n.Kind == Approval}
	if h.actions {
		m.Buttons = n.Actions
	}
	if err := h.call(ctx, m); err != nil {
		return fmt.Errorf("showing a notification: %w", err)
	}
	s := &helperShown{n: n, tag: tag, at: at}
	h.mu.Lock()
	h.slots[n.Slot], h.byTag[tag] = s, s
	h.mu.Unlock()
	return nil
}

func (h *helper) Withdraw(ctx context.Context, slot string) error {
	h.postMu.Lock()
	defer h.postMu.Unlock()
	h.mu.Lock()
	s := h.slots[slot]
	if s != nil {
		delete(h.slots, slot)
		delete(h.byTag, s.tag)
	}
	h.mu.Unlock()
	if s == nil {
		return nil
	}
	if err := h.call(ctx, helperMsg{Op: "remove", Tag: s.tag}); err != nil {
		return fmt.Errorf("withdrawing a notification: %w", err)
	}
	return nil
}

// call sends one request and waits for its answer, the helper's end, or ctx.
func (h *helper) call(ctx context.Context, m helperMsg) error {
	answer := make(chan string, 1)
	h.mu.Lock()
	h.nextID++
	m.ID = h.nextID
	h.waiting[m.ID] = answer
	h.mu.Unlock()
	defer func() { h.mu.Lock(); delete(h.waiting, m.ID); h.mu.Unlock() }()
	select {
	case <-h.exited:
		return errors.New("the notification helper is gone")
	default:
	}
	if err := h.t.send(m); err != nil {
		return err
	}
	select {
	case msg := <-answer:
		if msg != "" {
			return errors.New(msg)
		}
		return nil
	case <-h.exited:
		return errors.New("the notification helper is gone")
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *helper) Close() error {
	h.closeOnce.Do(func() {
		close(h.done)
		h.t.close()
		h.wg.Wait()
	})
	return nil
}

// ended records that the transport will receive nothing more. Idempotent.
func (h *helper) ended() { h.endOnce.Do(func() { close(h.exited) }) }

// receive takes one message from the transport: an answer, or a report for deliver. It never
// blocks on anything but h.mu.
func (h *helper) receive(m helperMsg) {
	switch m.Ev {
	case "ready":
		select {
		case h.ready <- m.Actions:
		default:
		}
	case "done":
		h.mu.Lock()
		if ch := h.waiting[m.ID]; ch != nil {
			select {
			case ch <- m.Error:
			default: // a second answer to one request
			}
		}
		h.mu.Unlock()
	case "activated":
		h.activated(m.Tag, m.Args)
	case "dismissed":
		h.dismissed(m.Tag, m.Reason)
	}
}

func (h *helper) activated(tag, args string) {
	slot, key, ok := parseToastArguments(args)
	if !ok {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.byTag[tag]
	if s == nil || s.n.Slot != slot || !slices.ContainsFunc(s.n.Actions, func(a Action) bool { return a.Key == key }) {
		return
	}
	if tooEarly(s.at, h.opts.Now()) {
		h.push(helperWork{repost: s})
		return
	}
	h.push(helperWork{ev: Event{Kind: ActionInvoked, Slot: slot, Action: key}})
}

func (h *helper) dismissed(tag, reason string) {
	r, report := toastDismissal(reason)
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.byTag[tag]
	if s == nil || !report {
		return
	}
	delete(h.byTag, tag)
	if h.slots[s.n.Slot] == s {
		delete(h.slots, s.n.Slot)
	}
	h.push(helperWork{ev: Event{Kind: Closed, Slot: s.n.Slot, Reason: r}})
}

// push queues w for deliver. The caller holds h.mu.
func (h *helper) push(w helperWork) {
	h.queue = append(h.queue, w)
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// deliver hands queued events to Events in order and re-posts notifications whose action
// came inside the guard; it ends on Close and then closes Events.
func (h *helper) deliver() {
	defer h.wg.Done()
	defer close(h.events)
	for {
		h.mu.Lock()
		var w helperWork
		ok := len(h.queue) > 0
		if ok {
			w = h.queue[0]
			h.queue = h.queue[1:]
		}
		h.mu.Unlock()
		if !ok {
			select {
			case <-h.wake:
				continue
			case <-h.done:
				return
			}
		}
		if w.repost != nil {
			h.repost(w.repost)
			continue
		}
		select {
		case h.events <- w.ev:
		case <-h.done:
			return
		}
	}
}

// repost shows s again, so its guard starts again, unless it was replaced or withdrawn
// meanwhile: Windows removes a toast when one of its buttons is clicked, and the person must
// still be able to answer. A failure leaves the prompt as the way to answer.
func (h *helper) repost(s *helperShown) {
	h.postMu.Lock()
	defer h.postMu.Unlock()
	h.mu.Lock()
	current := h.slots[s.n.Slot] == s
	h.mu.Unlock()
	if !current {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), helperTimeout)
	defer cancel()
	_ = h.show(ctx, s.n)
}
