package policy

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// nextEvent returns the next event of kind from events, failing after a generous deadline.
func nextEvent(t *testing.T, events <-chan Event, kind EventKind) Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("event channel closed")
			}
			if ev.Kind == kind {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event within 10 s", kind)
		}
	}
}

func askRequest(session, tool string) Request {
	return Request{
		Call:    Call{Client: "Claude Desktop", Session: session, Server: "fs", Tool: tool, Arguments: []byte(`{"path":"/tmp/x"}`)},
		Verdict: Verdict{Rule: RuleAsk, Reason: reasonMayChange, Description: "Write a file."},
	}
}

func TestBrokerConcurrentAsksAreDecidedExactlyOnce(t *testing.T) {
	const calls, sessions = 50, 5
	b := NewBroker(BrokerOptions{})
	_, events, cancel := b.Subscribe()
	defer cancel()

	decisions := make(chan Decision, calls)
	for i := range calls {
		go func() {
			d, err := b.Ask(context.Background(), askRequest("s"+strconv.Itoa(i%sessions), "write_"+strconv.Itoa(i)))
			if err != nil {
				t.Error(err)
			}
			decisions <- d
		}()
	}
	var ids []string
	for range calls {
		ids = append(ids, nextEvent(t, events, ApprovalAdded).Approval.ID)
	}
	if got := len(b.Pending()); got != calls {
		t.Fatalf("Pending has %d approvals, want %d", got, calls)
	}

	// Answer in random order; two people answer each approval at the same moment.
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	var mu sync.Mutex
	winner := map[string]Answer{}
	var wg sync.WaitGroup
	for n, id := range ids {
		first := AllowOnce
		if n%2 == 1 {
			first = Deny
		}
		for _, a := range []Answer{first, AllowOnce + Deny - first} {
			wg.Go(func() {
				err := b.Answer(id, a)
				switch {
				case err == nil:
					mu.Lock()
					if prev, dup := winner[id]; dup {
						t.Errorf("approval %s decided twice: %v then %v", id, prev, a)
					}
					winner[id] = a
					mu.Unlock()
				case !errors.Is(err, ErrAlreadyAnswered):
					t.Errorf("losing answer to %s: %v, want ErrAlreadyAnswered", id, err)
				}
			})
		}
	}
	wg.Wait()

	got := map[string]Decision{}
	for range calls {
		d := <-decisions
		if _, dup := got[d.ApprovalID]; dup {
			t.Errorf("approval %s delivered twice", d.ApprovalID)
		}
		got[d.ApprovalID] = d
	}
	resolved := map[string]int{}
	for range calls {
		ev := nextEvent(t, events, ApprovalResolved)
		resolved[ev.Approval.ID]++
		if ev.Decision.Answer != winner[ev.Approval.ID] {
			t.Errorf("event for %s says %v, the winning answer was %v", ev.Approval.ID, ev.Decision.Answer, winner[ev.Approval.ID])
		}
	}
	for _, id := range ids {
		d := got[id]
		want := Allowed
		if winner[id] == Deny {
			want = Denied
		}
		if d.Outcome != want || d.DecidedBy != ByPerson || d.Answer != winner[id] {
			t.Errorf("approval %s: Ask returned %+v, winning answer %v", id, d, winner[id])
		}
		if resolved[id] != 1 {
			t.Errorf("approval %s resolved %d times in the event stream", id, resolved[id])
		}
	}
	if len(b.Pending()) != 0 {
		t.Errorf("approvals left pending: %v", b.Pending())
	}
}

func TestBrokerTimeoutDenies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(BrokerOptions{}) // default 55 s, on the bubble's fake clock
		start := time.Now()
		d, err := b.Ask(context.Background(), askRequest("s1", "write_file"))
		if err != nil {
			t.Fatal(err)
		}
		want := Decision{Outcome: Denied, DecidedBy: ByTimeout, Reason: reasonTimeout,
			Message: "Denied: no answer within 55 seconds", ApprovalID: d.ApprovalID, Waited: 55 * time.Second}
		if diff := cmp.Diff(want, d); diff != "" {
			t.Errorf("timeout decision (-want +got):\n%s", diff)
		}
		if waited := time.Since(start); waited != DefaultTimeout {
			t.Errorf("Ask returned after %v, want %v", waited, DefaultTimeout)
		}
		if err := b.Answer(d.ApprovalID, AllowOnce); !errors.Is(err, ErrAlreadyAnswered) {
			t.Errorf("answer after the timeout: %v, want ErrAlreadyAnswered", err)
		}
	})
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(BrokerOptions{Timeout: 1500 * time.Millisecond})
		d, _ := b.Ask(context.Background(), askRequest("s1", "write_file"))
		if d.Message != "Denied: no answer within 1.5 seconds" {
			t.Errorf("message = %q", d.Message)
		}
	})
}

func TestBrokerWithdrawsOnCancel(t *testing.T) {
	b := NewBroker(BrokerOptions{})
	_, events, unsubscribe := b.Subscribe()
	defer unsubscribe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Decision)
	go func() {
		d, _ := b.Ask(ctx, askRequest("s1", "write_file"))
		done <- d
	}()
	added := nextEvent(t, events, ApprovalAdded)
	cancel()
	d := <-done
	if d.Outcome != Withdrawn || d.DecidedBy != ByWithdrawn || d.IsAllowed() {
		t.Errorf("cancelled Ask = %+v, want withdrawn", d)
	}
	ev := nextEvent(t, events, ApprovalResolved)
	if ev.Approval.ID != added.Approval.ID || ev.Decision.Outcome != Withdrawn {
		t.Errorf("resolved event = %+v, want %s withdrawn", ev, added.Approval.ID)
	}
	if err := b.Answer(added.Approval.ID, AllowOnce); !errors.Is(err, ErrAlreadyAnswered) {
		t.Errorf("answer after withdrawal: %v, want ErrAlreadyAnswered", err)
	}
	if len(b.Pending()) != 0 {
		t.Error("withdrawn approval still pending")
	}
	// A context already done never raises an approval.
	if d, _ := b.Ask(ctx, askRequest("s1", "write_file")); d.Outcome != Withdrawn {
		t.Errorf("Ask with a done context = %+v", d)
	}
	if err := b.Answer("ffffffff", AllowOnce); !errors.Is(err, ErrUnknownApproval) {
		t.Errorf("answer to an unknown id: %v", err)
	}
}

// answerNext waits for the next approval and answers it. It runs on its own goroutine, so it
// reports with Error, not Fatal.
func answerNext(t *testing.T, b *Broker, events <-chan Event, a Answer) {
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.Kind != ApprovalAdded {
				continue
			}
			if err := b.Answer(ev.Approval.ID, a); err != nil {
				t.Error(err)
			}
			return
		case <-deadline:
			t.Error("no approval within 10 s")
			return
		}
	}
}

func TestSessionAndAlwaysGrants(t *testing.T) {
	var saved []AlwaysGrant
	grants := NewGrants(nil, func(g AlwaysGrant) error { saved = append(saved, g); return nil })
	e := NewEngine(EngineOptions{Grants: grants})
	if _, err := e.ObserveTools("fs", raws(writeTool, plainTool), true); err != nil {
		t.Fatal(err)
	}
	b := NewBroker(BrokerOptions{Grants: grants})
	_, events, cancel := b.Subscribe()
	defer cancel()
	ask := func(c Call) Decision {
		v := e.Decide(c)
		if v.Rule != RuleAsk {
			return v.Decision()
		}
		d, _ := b.Ask(context.Background(), Request{Call: c, Verdict: v})
		return d
	}

	s1 := Call{Session: "s1", Server: "fs", Tool: "write_file", Scope: "dev"}
	go answerNext(t, b, events, AllowSession)
	if d := ask(s1); d.Outcome != Allowed || d.DecidedBy != ByPerson {
		t.Fatalf("first call = %+v", d)
	}
	if v := e.Decide(s1); v.Rule != RuleAllow || v.Reason != reasonSessionGrant {
		t.Errorf("same session after allow-for-session = %s (%s)", v.Rule, v.Reason)
	}
	for _, other := range []Call{
		{Session: "s2", Server: "fs", Tool: "write_file", Scope: "dev"},
		{Session: "s1", Server: "fs", Tool: "plain", Scope: "dev"},
		{Session: "s1", Server: "fs", Tool: "write_file", Scope: "staging"},
	} {
		if v := e.Decide(other); v.Rule != RuleAsk {
			t.Errorf("session grant leaked to %+v", other)
		}
	}
	grants.EndSession("s1")
	if v := e.Decide(s1); v.Rule != RuleAsk {
		t.Error("session grant outlived EndSession")
	}

	go answerNext(t, b, events, AlwaysAllow)
	if d := ask(s1); d.Outcome != Allowed {
		t.Fatalf("always-allowed call = %+v", d)
	}
	if diff := cmp.Diff([]AlwaysGrant{{Server: "fs", Tool: "write_file", Scope: "dev"}}, saved); diff != "" {
		t.Errorf("persisted grants (-want +got):\n%s", diff)
	}
	if v := e.Decide(Call{Session: "s9", Server: "fs", Tool: "write_file", Scope: "dev"}); v.Rule != RuleAllow || v.Reason != reasonAlwaysGrant {
		t.Errorf("another session after always = %s (%s)", v.Rule, v.Reason)
	}
	if v := e.Decide(Call{Session: "s9", Server: "fs", Tool: "write_file", Scope: "prod"}); v.Rule != RuleAsk {
		t.Error("always grant leaked to another scope")
	}
	if diff := cmp.Diff(saved, grants.Always()); diff != "" {
		t.Errorf("Always() (-want +got):\n%s", diff)
	}
	grants.SetAlways(nil) // config.json edited by hand
	if v := e.Decide(s1); v.Rule != RuleAsk {
		t.Error("always grant survived SetAlways(nil)")
	}
}

func TestGrantLetsOtherPendingCallsThrough(t *testing.T) {
	b := NewBroker(BrokerOptions{})
	_, events, cancel := b.Subscribe()
	defer cancel()
	results := make(chan Decision, 3)
	for _, s := range []string{"s1", "s1", "s2"} {
		go func() {
			d, _ := b.Ask(context.Background(), askRequest(s, "write_file"))
			results <- d
		}()
	}
	var first Approval
	for i := range 3 {
		ap := nextEvent(t, events, ApprovalAdded).Approval
		if i == 0 || (ap.Session == "s1" && first.Session != "s1") {
			first = ap
		}
	}
	if err := b.Answer(first.ID, AllowSession); err != nil {
		t.Fatal(err)
	}
	byWho := map[DecidedBy]int{}
	for range 2 {
		d := <-results
		byWho[d.DecidedBy]++
		if d.Outcome != Allowed {
			t.Errorf("s1 call = %+v", d)
		}
	}
	if byWho[ByPerson] != 1 || byWho[ByRule] != 1 {
		t.Errorf("decided by %v, want one by the person and one by the new grant", byWho)
	}
	pending := b.Pending()
	if len(pending) != 1 || pending[0].Session != "s2" {
		t.Fatalf("pending = %+v, want only the s2 call", pending)
	}
	if err := b.Answer(pending[0].ID, Deny); err != nil {
		t.Fatal(err)
	}
	if d := <-results; d.Outcome != Denied || d.Message != messageDeniedByPerson {
		t.Errorf("denied call = %+v", d)
	}
}

func TestProductionScopeNeverTakesAlways(t *testing.T) {
	grants := NewGrants([]AlwaysGrant{{Server: "k8s", Tool: "delete_pod", Scope: "prod-eu"}}, nil)
	e := NewEngine(EngineOptions{Grants: grants})
	if _, err := e.ObserveTools("k8s", raws(
		`{"name":"delete_pod","annotations":{"destructiveHint":true}}`,
		`{"name":"get_logs","description":"Reads logs. <IMPORTANT>x</IMPORTANT>","annotations":{"readOnlyHint":true}}`), true); err != nil {
		t.Fatal(err)
	}
	b := NewBroker(BrokerOptions{Grants: grants})
	_, events, cancel := b.Subscribe()
	defer cancel()

	prod := Call{Session: "s1", Server: "k8s", Tool: "delete_pod", Scope: "prod-eu", Production: true}
	v := e.Decide(prod)
	if v.Rule != RuleAsk {
		t.Fatalf("an always grant let a destructive production call through: %+v", v)
	}
	done := make(chan Decision)
	go func() {
		d, _ := b.Ask(context.Background(), Request{Call: prod, Verdict: v})
		done <- d
	}()
	ap := nextEvent(t, events, ApprovalAdded).Approval
	if ap.AlwaysOffered || ap.SessionOffered {
		t.Errorf("production approval offers always=%v session=%v, want neither", ap.AlwaysOffered, ap.SessionOffered)
	}
	if diff := cmp.Diff([]string{warningProdScope}, ap.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if err := b.Answer(ap.ID, AlwaysAllow); !errors.Is(err, ErrAnswerNotOffered) {
		t.Fatalf("always allow in production: %v, want ErrAnswerNotOffered", err)
	}
	if err := b.Answer(ap.ID, AllowOnce); err != nil {
		t.Fatalf("allow once after the refused always: %v", err)
	}
	if d := <-done; d.Outcome != Allowed || d.Answer != AllowOnce {
		t.Errorf("decision = %+v", d)
	}

	// A read-only tool (asking only because it was flagged) may be always allowed there.
	ro := Call{Session: "s1", Server: "k8s", Tool: "get_logs", Scope: "prod-eu", Production: true}
	go func() {
		d, _ := b.Ask(context.Background(), Request{Call: ro, Verdict: e.Decide(ro)})
		done <- d
	}()
	ap = nextEvent(t, events, ApprovalAdded).Approval
	if !ap.AlwaysOffered {
		t.Error("always not offered for a read-only tool in production")
	}
	if err := b.Answer(ap.ID, AlwaysAllow); err != nil {
		t.Fatal(err)
	}
	<-done
}

func TestFailedSaveLeavesTheApprovalPending(t *testing.T) {
	grants := NewGrants(nil, func(AlwaysGrant) error { return errors.New("disk full") })
	b := NewBroker(BrokerOptions{Grants: grants})
	_, events, cancel := b.Subscribe()
	defer cancel()
	done := make(chan Decision)
	go func() {
		d, _ := b.Ask(context.Background(), askRequest("s1", "write_file"))
		done <- d
	}()
	ap := nextEvent(t, events, ApprovalAdded).Approval
	if err := b.Answer(ap.ID, AlwaysAllow); err == nil {
		t.Fatal("always allow succeeded although saving failed")
	}
	if len(grants.Always()) != 0 || len(b.Pending()) != 1 {
		t.Fatalf("after a failed save: grants %v, pending %d", grants.Always(), len(b.Pending()))
	}
	if err := b.Answer(ap.ID, Deny); err != nil {
		t.Fatal(err)
	}
	<-done
}

func TestApprovalShowsRedactedCanonicalArguments(t *testing.T) {
	redact := func(b []byte) []byte {
		return []byte(strings.ReplaceAll(string(b), "hunter2", "[redacted]"))
	}
	b := NewBroker(BrokerOptions{Redact: redact, Now: func() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }})
	snap, events, cancel := b.Subscribe()
	defer cancel()
	if len(snap) != 0 {
		t.Fatalf("snapshot of an idle broker = %v", snap)
	}
	go b.Ask(context.Background(), Request{
		Call:    Call{Client: "Cursor", Session: "s1", Server: "db", Tool: "query", Arguments: []byte(`{ "sql" : "select 1", "password": "hunter\u0032" }`)},
		Verdict: Verdict{Rule: RuleAsk, Description: "Run SQL.", Warnings: []string{"w"}},
	})
	ap := nextEvent(t, events, ApprovalAdded).Approval
	want := Approval{ID: ap.ID, Client: "Cursor", Session: "s1", Server: "db", Tool: "query", Description: "Run SQL.",
		Arguments: []byte(`{"password":"[redacted]","sql":"select 1"}`), Warnings: []string{"w"},
		SessionOffered: true, AlwaysOffered: true,
		Created: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 11, 21, 12, 0, 55, 0, time.UTC)}
	if diff := cmp.Diff(want, ap); diff != "" {
		t.Errorf("approval (-want +got):\n%s", diff)
	}
	// A late subscriber finds it in its snapshot.
	snap, _, cancel2 := b.Subscribe()
	defer cancel2()
	if len(snap) != 1 || snap[0].ID != ap.ID {
		t.Errorf("snapshot = %v, want the pending approval", snap)
	}
	if err := b.Answer(ap.ID, Deny); err != nil {
		t.Fatal(err)
	}
}

func TestAnswerRacingTheTimeoutDecidesOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := NewBroker(BrokerOptions{Timeout: time.Second})
		_, events, cancel := b.Subscribe()
		defer cancel()
		answered := make(chan error, 1)
		go func() {
			ap := (<-events).Approval
			time.Sleep(time.Second) // on the bubble's clock: the same instant the timeout fires
			answered <- b.Answer(ap.ID, AllowOnce)
		}()
		d, _ := b.Ask(context.Background(), askRequest("s1", "write_file"))
		err := <-answered
		switch {
		case err == nil && d.DecidedBy == ByPerson && d.IsAllowed():
		case errors.Is(err, ErrAlreadyAnswered) && d.DecidedBy == ByTimeout && !d.IsAllowed():
		default:
			t.Fatalf("answer error %v with decision %+v: the two disagree", err, d)
		}
		synctest.Wait()
		resolved := 0
		for len(events) > 0 {
			if (<-events).Kind == ApprovalResolved {
				resolved++
			}
		}
		if resolved != 1 {
			t.Errorf("%d resolved events, want 1", resolved)
		}
	})
}

// In production, every call that can change something asks, every time: "for this session"
// is refused, and no grant (a session grant, or an always grant saved before) lets such a
// call through, while read-only calls still take them.
func TestProductionAsksEveryTime(t *testing.T) {
	grants := NewGrants([]AlwaysGrant{{Server: "k8s", Tool: "pods_delete", Scope: "prod-eu"}, {Server: "k8s", Tool: "pods_list", Scope: "prod-eu"}}, nil)
	e := NewEngine(EngineOptions{Grants: grants, Rules: map[string]ServerRules{"k8s": {Trust: true}}})
	if _, err := e.ObserveTools("k8s", raws(
		`{"name":"pods_delete","annotations":{"destructiveHint":true}}`,
		`{"name":"pods_list","annotations":{"readOnlyHint":true}}`), true); err != nil {
		t.Fatal(err)
	}
	b := NewBroker(BrokerOptions{Grants: grants})
	_, events, cancel := b.Subscribe()
	defer cancel()
	del := Call{Session: "s1", Server: "k8s", Tool: "pods_delete", Scope: "prod-eu", Production: true, Kube: true}
	for i := range 3 {
		v := e.Decide(del)
		if v.Rule != RuleAsk {
			t.Fatalf("call %d: pods_delete on production was not asked about: %+v", i+1, v)
		}
		done := make(chan Decision, 1)
		go func() {
			d, _ := b.Ask(context.Background(), Request{Call: del, Verdict: v})
			done <- d
		}()
		ap := nextEvent(t, events, ApprovalAdded).Approval
		if ap.SessionOffered || ap.AlwaysOffered {
			t.Errorf("call %d: production approval offers session=%v always=%v", i+1, ap.SessionOffered, ap.AlwaysOffered)
		}
		err := b.Answer(ap.ID, AllowSession)
		if !errors.Is(err, ErrAnswerNotOffered) || !strings.Contains(err.Error(), "production") {
			t.Fatalf("call %d: allow for this session on production: %v, want ErrAnswerNotOffered naming production", i+1, err)
		}
		if err := b.Answer(ap.ID, AllowOnce); err != nil {
			t.Fatal(err)
		}
		if d := <-done; d.Answer != AllowOnce {
			t.Fatalf("call %d: %+v", i+1, d)
		}
	}
	// A session grant that exists anyway (given on this scope before it counted as
	// production) does not let a changing call through either.
	grants.grantSession(&del)
	if v := e.Decide(del); v.Rule != RuleAsk {
		t.Errorf("a session grant let pods_delete through on production: %+v", v)
	}
	list := Call{Session: "s1", Server: "k8s", Tool: "pods_list", Scope: "prod-eu", Production: true, Kube: true}
	if v := e.Decide(list); v.Rule != RuleAllow {
		t.Errorf("a read-only call on production: %+v, want allow", v)
	}
}

// An answer that arrives once the deadline has passed, before the broker's own timer fired
// (a window that sends "deny" when its countdown ends), does not count as the person's: the
// call is recorded as timed out, decided by MCP Tray.
func TestAnswerAtTheDeadlineIsATimeout(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	b := NewBroker(BrokerOptions{Timeout: time.Hour, Now: clock})
	_, events, cancel := b.Subscribe()
	defer cancel()
	done := make(chan Decision, 1)
	go func() {
		d, _ := b.Ask(context.Background(), askRequest("s1", "write_file"))
		done <- d
	}()
	ap := nextEvent(t, events, ApprovalAdded).Approval
	mu.Lock()
	now = ap.Deadline
	mu.Unlock()
	if err := b.Answer(ap.ID, Deny); !errors.Is(err, ErrAlreadyAnswered) {
		t.Errorf("deny at the deadline: %v, want ErrAlreadyAnswered", err)
	}
	d := <-done
	if d.Outcome != Denied || d.DecidedBy != ByTimeout || d.Answer != 0 || d.Message != "Denied: no answer within 3600 seconds" {
		t.Errorf("decision = %+v, want denied by timeout", d)
	}
	// A deny for the timed-out approval is ignored.
	if err := b.Answer(ap.ID, Deny); !errors.Is(err, ErrAlreadyAnswered) || !strings.Contains(err.Error(), "MCP Tray refused") {
		t.Errorf("deny after the timeout: %v", err)
	}
}

// A long list of held calls is paged, with arguments and descriptions shortened; Get has
// them whole.
func TestApprovalsArePaged(t *testing.T) {
	b := NewBroker(BrokerOptions{Timeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, events, unsub := b.Subscribe()
	defer unsub()
	big := `{"content":"` + strings.Repeat("é", 30_000) + `"}`
	const n = 250
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	for i := range n {
		r := askRequest("s"+strconv.Itoa(i), "write_file")
		r.Call.Arguments = []byte(big)
		r.Verdict.Description = strings.Repeat("Long description. ", 500)
		wg.Go(func() { b.Ask(ctx, r) })
	}
	for range n {
		nextEvent(t, events, ApprovalAdded)
	}
	page, total := b.Page(0, 0)
	if len(page) != ListLimit || total != n {
		t.Fatalf("first page: %d approvals of %d, want %d of %d", len(page), total, ListLimit, n)
	}
	for _, a := range page {
		if !a.Truncated || len(a.Arguments) > 2*listArgumentBytes || len(a.Description) > listDescriptionBytes+len("…") {
			t.Fatalf("a listed approval is not shortened: truncated=%v, %d bytes of arguments, %d of description", a.Truncated, len(a.Arguments), len(a.Description))
		}
		var s string
		if err := json.Unmarshal(a.Arguments, &s); err != nil || !strings.HasSuffix(s, "…") || !utf8.ValidString(s) {
			t.Fatalf("shortened arguments are not one valid JSON string ending in …: %v", err)
		}
	}
	last, _ := b.Page(200, 100)
	if len(last) != 50 {
		t.Errorf("last page has %d approvals, want 50", len(last))
	}
	if empty, total := b.Page(900, 10); len(empty) != 0 || total != n {
		t.Errorf("a page past the end: %d approvals, total %d", len(empty), total)
	}
	whole, ok := b.Get(page[0].ID)
	if !ok || whole.Truncated || !strings.Contains(string(whole.Arguments), strings.Repeat("é", 30_000)) {
		t.Errorf("Get does not return the whole approval: ok=%v truncated=%v, %d bytes", ok, whole.Truncated, len(whole.Arguments))
	}
	if _, ok := b.Get("nope"); ok {
		t.Error("Get found an approval that does not exist")
	}
}

// The verified app that started the bridge travels with the approval.
func TestApprovalCarriesTheVerifiedApp(t *testing.T) {
	b := NewBroker(BrokerOptions{Timeout: time.Hour})
	_, events, cancel := b.Subscribe()
	defer cancel()
	ctx, stop := context.WithCancel(context.Background())
	r := askRequest("s1", "write_file")
	r.Call.App = "/usr/bin/node"
	done := make(chan struct{})
	go func() { b.Ask(ctx, r); close(done) }()
	if ap := nextEvent(t, events, ApprovalAdded).Approval; ap.App != "/usr/bin/node" || ap.Client != "Claude Desktop" {
		t.Errorf("approval app %q client %q", ap.App, ap.Client)
	}
	stop()
	<-done
}
