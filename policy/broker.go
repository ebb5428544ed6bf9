package policy

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mcptray/mcptray/internal/bus"
)

// DefaultTimeout is how long a held call waits for the person: under the 60 seconds after
// which MCP clients commonly give up, so the client always gets an answer.
const DefaultTimeout = 55 * time.Second

// ErrAlreadyAnswered reports an answer to an approval that was already decided, by another
// answer, a timeout or a withdrawal.
var ErrAlreadyAnswered = errors.New("already answered")

// ErrUnknownApproval reports an answer to an id that no approval ever had (or had long ago).
var ErrUnknownApproval = errors.New("no approval with this id is waiting")

// ErrAnswerNotOffered reports an answer the approval does not offer: "always allow" or "allow
// for this session" for a tool that can change a production context, or "allow for this
// session" without a session.
var ErrAnswerNotOffered = errors.New("this answer is not offered for this call")

// ListLimit is the most approvals one page of a list holds (see Broker.Page).
const ListLimit = 100

// The most bytes of arguments and of a description an approval carries in a list; Get has
// them whole.
const (
	listArgumentBytes    = 2048
	listDescriptionBytes = 1024
)

// Request is one call held for the person: the call and the engine's verdict on it.
type Request struct {
	Call    Call
	Verdict Verdict
}

// Approval is a held call as the prompt and `mcptray approvals` show it.
type Approval struct {
	ID string `json:"id"`
	// Client is the name the AI client gives itself: any program can claim any name.
	Client string `json:"client"`
	// App is the executable that started the bridge, as the operating system reports it
	// (gateway.Session.App); screens show it beside Client when the two differ.
	App         string `json:"app,omitempty"`
	Session     string `json:"session,omitempty"`
	Server      string `json:"server"`
	Tool        string `json:"tool"`
	Scope       string `json:"scope,omitempty"`
	Description string `json:"description"`
	// Arguments are the call's arguments as canonical JSON, passed through the redactor.
	Arguments json.RawMessage `json:"arguments"`
	// Warnings are plain sentences: a flagged description, a production context.
	Warnings []string `json:"warnings,omitempty"`
	ReadOnly bool     `json:"read_only"`
	// KubeContext is the Kubernetes context the server acts on, for Kubernetes servers;
	// Production says that context is production (the prompt shows it in red).
	KubeContext string `json:"kube_context,omitempty"`
	Production  bool   `json:"production,omitempty"`
	// SessionOffered and AlwaysOffered say which grant answers the prompt may show. Neither
	// is offered for a tool that is not read-only in a production context: there every
	// such call asks, every time.
	SessionOffered bool      `json:"session_offered"`
	AlwaysOffered  bool      `json:"always_offered"`
	Created        time.Time `json:"created"`
	Deadline       time.Time `json:"deadline"`
	// Truncated says this copy, from a list, has its arguments or description shortened;
	// Broker.Get (the approval.get method) returns them whole.
	Truncated bool `json:"truncated,omitempty"`
}

// EventKind names what happened to an approval.
type EventKind string

// The kinds of Event.
const (
	ApprovalAdded    EventKind = "approval_added"
	ApprovalResolved EventKind = "approval_resolved" // answered, timed out, granted or withdrawn
)

// Event is one change to the set of pending approvals. Decision is set on ApprovalResolved.
type Event struct {
	Kind     EventKind `json:"kind"`
	Approval Approval  `json:"approval"`
	Decision *Decision `json:"decision,omitempty"`
}

// BrokerOptions configure a Broker. The zero value works.
type BrokerOptions struct {
	// Timeout is how long a call is held before it is denied; 0 means DefaultTimeout.
	Timeout time.Duration
	// Now stamps Created, Deadline and Waited; nil means time.Now. The timeout itself runs on
	// a real timer (tests use testing/synctest to make it instant).
	Now func() time.Time
	// Grants records "allow for this session" and "always allow" answers; pass the Engine's.
	// nil makes a private one.
	Grants *Grants
	// Redact removes secret values from the arguments before anyone sees them. It gets
	// canonical JSON and should return JSON. nil shows arguments as they are.
	Redact func([]byte) []byte
}

// recentLimit bounds how many decided approvals are remembered to explain late answers.
const recentLimit = 256

// Broker holds calls that need the person's approval and lets exactly one decision through
// for each: the first of the person's answer, the timeout or the client's withdrawal. It is
// safe for concurrent use; listeners (Subscribe) never slow down Ask or Answer.
type Broker struct {
	timeout time.Duration
	now     func() time.Time
	grants  *Grants
	redact  func([]byte) []byte

	mu      sync.Mutex
	pending map[string]*held
	recent  map[string]Decision
	order   []string // ids in recent, oldest first
	events  bus.Bus[Event]
}

// held is one pending approval. decision is written once, before done is closed.
type held struct {
	Approval
	call     Call
	done     chan struct{}
	decision Decision
}

// NewBroker returns a Broker with no pending approvals.
func NewBroker(o BrokerOptions) *Broker {
	b := &Broker{timeout: o.Timeout, now: o.Now, grants: o.Grants, redact: o.Redact,
		pending: map[string]*held{}, recent: map[string]Decision{}}
	if b.timeout <= 0 {
		b.timeout = DefaultTimeout
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.grants == nil {
		b.grants = NewGrants(nil, nil)
	}
	return b
}

// reasonSecretName and secretNameMessage refuse a call whose tool name holds a secret
// MCP Tray keeps (Broker.Ask): such a name is never shown, asked about or kept.
const (
	reasonSecretName  = "the tool's name holds a secret MCP Tray keeps"
	secretNameMessage = "Denied by MCP Tray: the name of this tool holds a secret, so MCP Tray does not show it or ask you about it."
)

// Ask holds a call until it is decided and returns the decision. It blocks until the person
// answers, the timeout passes (Denied, ByTimeout, with the message "Denied: no answer within
// 55 seconds") or ctx is done (Withdrawn: the client cancelled or went away). A grant made
// since the engine's verdict lets the call through at once. The approval is published as an
// ApprovalAdded event before Ask starts waiting, and as ApprovalResolved once decided. The
// error is non-nil only for a request without a server or tool.
func (b *Broker) Ask(ctx context.Context, r Request) (Decision, error) {
	c := r.Call
	if c.Server == "" || c.Tool == "" {
		return Decision{}, errors.New("asking for approval: the call names no server or tool")
	}
	if displayText(c.Tool, b.redact) != c.Tool {
		// The prompt would show it, and an "always" would write it into config.json.
		return Decision{Outcome: Denied, DecidedBy: ByRule, Reason: reasonSecretName, Message: secretNameMessage}, nil
	}
	args := displayArguments(c.Arguments, b.redact)
	warnings := make([]string, len(r.Verdict.Warnings))
	for i, w := range r.Verdict.Warnings {
		warnings[i] = displayText(w, b.redact)
	}
	b.mu.Lock()
	if reason, ok := b.grants.allowed(&c, r.Verdict.ReadOnly); ok && !r.Verdict.EachTime {
		b.mu.Unlock()
		return Decision{Outcome: Allowed, DecidedBy: ByRule, Reason: reason}, nil
	}
	if ctx.Err() != nil {
		b.mu.Unlock()
		return Decision{Outcome: Withdrawn, DecidedBy: ByWithdrawn, Reason: reasonWithdrawn}, nil
	}
	now, timeout := b.now(), b.timeout
	changesProduction := c.Production && !r.Verdict.ReadOnly
	h := &held{call: c, done: make(chan struct{}), Approval: Approval{
		ID: b.newIDLocked(), Client: c.Client, App: c.App, Session: c.Session, Server: c.Server, Tool: c.Tool,
		Scope: c.Scope, Description: displayText(r.Verdict.Description, b.redact), Arguments: args,
		Warnings: warnings, ReadOnly: r.Verdict.ReadOnly,
		KubeContext: c.kubeContext(), Production: c.Production,
		SessionOffered: c.Session != "" && !changesProduction && !r.Verdict.EachTime, AlwaysOffered: !changesProduction && !r.Verdict.EachTime,
		Created: now, Deadline: now.Add(timeout),
	}}
	b.pending[h.ID] = h
	b.events.Publish(Event{Kind: ApprovalAdded, Approval: h.Approval})
	b.mu.Unlock()

	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-h.done:
	case <-timer.C:
		b.finish(h, timeoutDecision(h))
	case <-ctx.Done():
		b.finish(h, Decision{Outcome: Withdrawn, DecidedBy: ByWithdrawn, Reason: reasonWithdrawn})
	}
	return h.decision, nil
}

// SetTimeout changes how long calls asked about from now on are held; calls already held keep
// the deadline they were shown. d <= 0 means DefaultTimeout. Safe for concurrent use.
func (b *Broker) SetTimeout(d time.Duration) {
	if d <= 0 {
		d = DefaultTimeout
	}
	b.mu.Lock()
	b.timeout = d
	b.mu.Unlock()
}

const reasonWithdrawn = "The client cancelled the call or went away before an answer."

// timeoutDecision is MCP Tray's own refusal of h when nobody answered by its deadline.
func timeoutDecision(h *held) Decision {
	return Decision{Outcome: Denied, DecidedBy: ByTimeout, Reason: reasonTimeout,
		Message: timeoutMessage(h.Deadline.Sub(h.Created))}
}

const reasonTimeout = "Nobody answered in time, so MCP Tray refused the call."

// finish decides h with d unless something else decided it first, and waits until h is
// decided either way.
func (b *Broker) finish(h *held, d Decision) {
	b.mu.Lock()
	if b.pending[h.ID] == h {
		b.resolveLocked(h, d)
	}
	b.mu.Unlock()
	<-h.done
}

// resolveLocked records the one decision of h, wakes its Ask and publishes it.
func (b *Broker) resolveLocked(h *held, d Decision) {
	delete(b.pending, h.ID)
	d.ApprovalID = h.ID
	d.Waited = b.now().Sub(h.Created)
	h.decision = d
	close(h.done)
	b.recent[h.ID] = d
	b.order = append(b.order, h.ID)
	if len(b.order) > recentLimit {
		delete(b.recent, b.order[0])
		b.order = b.order[1:]
	}
	b.events.Publish(Event{Kind: ApprovalResolved, Approval: h.Approval, Decision: &d})
}

// Answer gives the person's answer to the approval with this id. Exactly one decision wins:
// an approval already decided gives an error wrapping ErrAlreadyAnswered. An answer that
// arrives once the deadline has passed does not count: the approval is decided as timed out
// (MCP Tray refused it, not the person) and the error wraps ErrAlreadyAnswered. An answer the
// approval does not offer gives ErrAnswerNotOffered and leaves it pending, and so does a
// failure to save an always grant. "Allow for this session" and "always allow" also let
// through, at once, the other pending calls the new grant covers.
func (b *Broker) Answer(id string, a Answer) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.pending[id]
	if h == nil {
		if d, ok := b.recent[id]; ok {
			return fmt.Errorf("answering approval %s: %w (%s)", id, ErrAlreadyAnswered, describeDecision(d))
		}
		return fmt.Errorf("answering approval %s: %w", id, ErrUnknownApproval)
	}
	if !b.now().Before(h.Deadline) {
		d := timeoutDecision(h)
		b.resolveLocked(h, d)
		return fmt.Errorf("answering approval %s: %w (%s)", id, ErrAlreadyAnswered, describeDecision(d))
	}
	d := Decision{Outcome: Allowed, DecidedBy: ByPerson, Answer: a}
	switch a {
	case AllowOnce:
		d.Reason = "You allowed this call."
	case AllowSession:
		if !h.SessionOffered && h.Production && !h.ReadOnly {
			return fmt.Errorf("answering approval %s: %w: in a production context every call that can change something asks each time; choose allow once", id, ErrAnswerNotOffered)
		}
		if !h.SessionOffered && h.Session != "" {
			return fmt.Errorf("answering approval %s: %w: this call carries something that must be allowed each time; choose allow once", id, ErrAnswerNotOffered)
		}
		if !h.SessionOffered {
			return fmt.Errorf("answering approval %s: %w: the call has no session; choose allow once", id, ErrAnswerNotOffered)
		}
		b.grants.grantSession(&h.call)
		d.Reason = reasonSessionGrant
	case AlwaysAllow:
		if !h.AlwaysOffered && !(h.Production && !h.ReadOnly) {
			return fmt.Errorf("answering approval %s: %w: this call carries something that must be allowed each time; choose allow once", id, ErrAnswerNotOffered)
		}
		if !h.AlwaysOffered {
			return fmt.Errorf("answering approval %s: %w: a tool that can make changes in a production context is never always allowed; choose allow once", id, ErrAnswerNotOffered)
		}
		if err := b.grants.grantAlways(&h.call); err != nil {
			return fmt.Errorf("answering approval %s: %w", id, err)
		}
		d.Reason = reasonAlwaysGrant
	case Deny:
		d.Outcome, d.Reason, d.Message = Denied, "You denied this call.", messageDeniedByPerson
	default:
		return fmt.Errorf("answering approval %s: %w: %v", id, ErrAnswerNotOffered, a)
	}
	b.resolveLocked(h, d)
	if a == AllowSession || a == AlwaysAllow {
		for _, other := range b.pending {
			if reason, ok := b.grants.allowed(&other.call, other.ReadOnly); ok {
				b.resolveLocked(other, Decision{Outcome: Allowed, DecidedBy: ByRule, Reason: reason})
			}
		}
	}
	return nil
}

func describeDecision(d Decision) string {
	switch d.DecidedBy {
	case ByTimeout:
		return "nobody answered in time, so MCP Tray refused the call"
	case ByWithdrawn:
		return "the client withdrew the call"
	case ByRule:
		return "an earlier choice allowed it"
	}
	return "it was " + string(d.Outcome)
}

// Pending returns the approvals waiting now, oldest first.
func (b *Broker) Pending() []Approval {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pendingLocked()
}

// Page returns at most limit of the approvals waiting now, oldest first, starting at offset,
// with arguments and descriptions shortened for a list (see Approval.Truncated), and how many
// are waiting in all. limit <= 0 or above ListLimit means ListLimit; an offset past the end
// gives an empty page.
func (b *Broker) Page(offset, limit int) (page []Approval, total int) {
	if limit <= 0 || limit > ListLimit {
		limit = ListLimit
	}
	offset = max(offset, 0)
	all := b.Pending()
	if offset >= len(all) {
		return []Approval{}, len(all)
	}
	page = all[offset:min(len(all), offset+limit)]
	for i := range page {
		page[i] = shortened(page[i])
	}
	return page, len(all)
}

// Get returns the approval with this id, whole, while it waits.
func (b *Broker) Get(id string) (Approval, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	h, ok := b.pending[id]
	if !ok {
		return Approval{}, false
	}
	return h.Approval, true
}

// shortened returns a with its arguments and description cut for a list. Cut arguments
// become one JSON string ending in "…", so they stay valid JSON.
func shortened(a Approval) Approval {
	if len(a.Arguments) > listArgumentBytes {
		cut, _ := json.Marshal(cutUTF8(string(a.Arguments), listArgumentBytes) + "…")
		a.Arguments, a.Truncated = cut, true
	}
	if len(a.Description) > listDescriptionBytes {
		a.Description, a.Truncated = cutUTF8(a.Description, listDescriptionBytes)+"…", true
	}
	return a
}

// cutUTF8 returns at most n bytes of s, never splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func (b *Broker) pendingLocked() []Approval {
	out := make([]Approval, 0, len(b.pending))
	for _, h := range b.pending {
		out = append(out, h.Approval)
	}
	slices.SortFunc(out, func(x, y Approval) int {
		return cmp.Or(x.Created.Compare(y.Created), cmp.Compare(x.ID, y.ID))
	})
	return out
}

// Subscribe returns the approvals pending now and a channel of every event after them, with
// no gap and no overlap between the two. The channel never blocks the broker: a subscriber
// that falls a whole buffer behind has its channel closed and should subscribe again to get
// a fresh snapshot. cancel unsubscribes and closes the channel; it is idempotent.
func (b *Broker) Subscribe() (snapshot []Approval, events <-chan Event, cancel func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	events, cancel = b.events.Subscribe(0)
	return b.pendingLocked(), events, cancel
}

func (b *Broker) newIDLocked() string {
	for {
		var buf [4]byte
		_, _ = rand.Read(buf[:])
		id := hex.EncodeToString(buf[:])
		if _, taken := b.pending[id]; !taken {
			if _, taken := b.recent[id]; !taken {
				return id
			}
		}
	}
}

// displayText is s with the secret values redact knows taken out; s itself when redact is
// nil. It is for what a server or an AI app named (a tool, its description, a finding about
// it) on its way to a prompt, a listing or the audit log.
func displayText(s string, redact func([]byte) []byte) string {
	if redact == nil || s == "" {
		return s
	}
	return string(redact([]byte(s)))
}

// displayArguments returns arguments as canonical JSON passed through redact, always valid
// JSON: bytes that are not JSON, or that redact broke, are shown as one JSON string.
func displayArguments(raw []byte, redact func([]byte) []byte) json.RawMessage {
	if len(raw) == 0 {
		raw = []byte("{}")
	}
	out, err := Canonicalize(raw)
	if err != nil {
		out = slices.Clone(raw) // redact gets a copy it may change
	}
	if redact != nil {
		out = redact(out)
	}
	if !json.Valid(out) {
		out, _ = json.Marshal(string(out))
	}
	return out
}
