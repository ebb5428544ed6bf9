package app

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/policy"
)

func writeCall(tool, path string) policy.Call {
	args, _ := json.Marshal(map[string]any{"path": path, "content": "hello"})
	return policy.Call{Client: "claude-ai", Session: "s1", Server: "files", Tool: tool, Arguments: args}
}

var writeVerdict = policy.Verdict{Rule: policy.RuleAsk, Description: "Writes a file."}

// shown waits until the prompt shows n calls and returns its view.
func (h *harness) shown(n int) *approvalView {
	h.t.Helper()
	h.until("the prompt shows the calls", func() bool {
		p := h.u.approvals
		return p.view != nil && p.view.visible && len(p.waiting()) == n
	})
	return h.u.approvals.view
}

// ready lets the prompt's readiness delay pass on the GUI's clock.
func (h *harness) ready() {
	h.now = h.now.Add(readyAfter)
	h.u.approvals.tick()
}

func TestApprovalWindowShowsTheCall(t *testing.T) {
	h := newHarness(t, nil)
	long := strings.Repeat("x", 300)
	args, _ := json.Marshal(map[string]any{
		"path": "/home/me/notes.txt", "content": long, "overwrite": true,
		"options": map[string]any{"mode": "0600", "tags": []any{"a", "b"}},
	})
	h.ask(policy.Call{Client: "claude-ai", Session: "s1", Server: "files", Tool: "write_file", Arguments: args},
		policy.Verdict{Rule: policy.RuleAsk, Description: "Writes a file to disk.",
			Warnings: []string{"The description asks the model to read your SSH keys."}})
	v := h.shown(1)
	if v.win.Title() != ApprovalWindowTitle {
		t.Errorf("title %q", v.win.Title())
	}
	h.now = v.due.Add(-time.Minute) // the UI's clock, when the daemon raised the call
	h.u.approvals.tick()
	got := texts(v.win.Content())
	want := []string{ // the scrolled middle, then the top, then the bottom of the window
		"What it will be given",
		"content", strings.Repeat("x", foldChars) + " …", "[Show all (300 characters)]",
		"options › mode", "0600",
		"options › tags", "a, b",
		"overwrite", "yes",
		"path", "/home/me/notes.txt",
		"The description asks the model to read your SSH keys.",
		"What the tool says it does", "Writes a file to disk.",
		"Claude Desktop wants to use the tool “write_file” of the server “files”.",
		"This is the name the app gives itself; MCP Tray could not check which program it is.",
		"Denied automatically in 1 min 00 s unless you answer.",
		"Read the call first: the buttons work in 1 s.",
		"[Deny]", "[Always allow]", "[Allow this session]", "[Allow once]",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("the prompt shows (-want +got):\n%s", d)
	}
	// A folded value unfolds.
	var showAll *promptButton
	walkButtons(v.win.Content(), func(b *promptButton) {
		if strings.HasPrefix(b.Text, "Show all") {
			showAll = b
		}
	})
	test.Tap(showAll)
	if got := texts(v.win.Content()); !slices.Contains(got, long) || !slices.Contains(got, "[Show less]") {
		t.Errorf("after Show all the prompt shows %q", got)
	}
	// One notification for the call.
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.notes) != 1 || !strings.Contains(h.notes[0].Content, "Claude Desktop wants to use the tool “write_file”") {
		t.Errorf("notifications: %+v", h.notes)
	}
}

func TestProductionCallShowsBannerAndOnlyOfferedButtons(t *testing.T) {
	h := newHarness(t, nil)
	now := h.now
	h.u.handle(api.Event{Approval: &policy.Event{Kind: policy.ApprovalAdded, Approval: policy.Approval{
		ID: "p1", Client: "cursor-vscode", Server: "k8s", Tool: "delete_pod", Description: "Deletes a pod.",
		Arguments: json.RawMessage(`{"name":"web-1"}`), Production: true, KubeContext: "prod-eu",
		Warnings: []string{"This call runs in the production context prod-eu."},
		Created:  now, Deadline: now.Add(42 * time.Second),
	}}})
	v := h.shown(1)
	h.ready()
	want := []string{
		"What it will be given", "name", "web-1",
		"This call runs in the production context prod-eu.",
		"What the tool says it does", "Deletes a pod.",
		"PRODUCTION: this call acts on the Kubernetes context “prod-eu”, which is marked as production.",
		"Cursor wants to use the tool “delete_pod” of the server “k8s”.",
		"This is the name the app gives itself; MCP Tray could not check which program it is.",
		"Denied automatically in 41 s unless you answer.", // a second later: the prompt got ready
		"[Deny]", "[Allow once]",
	}
	if d := cmp.Diff(want, texts(v.win.Content())); d != "" {
		t.Errorf("the prompt shows (-want +got):\n%s", d)
	}
}

func TestEachAnswerReachesTheDaemon(t *testing.T) {
	cases := []struct {
		name  string
		press func(v *approvalView)
		want  policy.Decision
	}{
		{"allow once", func(v *approvalView) { test.Tap(v.once) }, policy.Decision{Outcome: policy.Allowed, Answer: policy.AllowOnce}},
		{"allow this session", func(v *approvalView) { test.Tap(v.session) }, policy.Decision{Outcome: policy.Allowed, Answer: policy.AllowSession}},
		{"always allow", func(v *approvalView) { test.Tap(v.always) }, policy.Decision{Outcome: policy.Allowed, Answer: policy.AlwaysAllow}},
		{"deny", func(v *approvalView) { test.Tap(v.deny) }, policy.Decision{Outcome: policy.Denied, Answer: policy.Deny}},
		{"Enter", func(v *approvalView) { pressKey(v, fyne.KeyReturn) }, policy.Decision{Outcome: policy.Allowed, Answer: policy.AllowOnce}},
		{"Enter on a focused Always allow", func(v *approvalView) {
			v.win.Canvas().Focus(v.always)
			v.always.KeyDown(&fyne.KeyEvent{Name: fyne.KeyReturn})
			v.always.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			v.always.KeyUp(&fyne.KeyEvent{Name: fyne.KeyReturn})
		}, policy.Decision{Outcome: policy.Allowed, Answer: policy.AllowOnce}},
		{"Space on a focused Always allow", func(v *approvalView) {
			v.win.Canvas().Focus(v.always)
			v.always.KeyDown(&fyne.KeyEvent{Name: fyne.KeySpace})
			v.always.KeyUp(&fyne.KeyEvent{Name: fyne.KeySpace})
		}, policy.Decision{Outcome: policy.Allowed, Answer: policy.AlwaysAllow}},
		{"Escape", func(v *approvalView) { pressKey(v, fyne.KeyEscape) }, policy.Decision{Outcome: policy.Denied, Answer: policy.Deny}},
		{"closing the window", func(v *approvalView) { v.closeRequested() }, policy.Decision{Outcome: policy.Denied, Answer: policy.Deny}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			ch := h.ask(writeCall("write_file", "/tmp/a"), writeVerdict)
			v := h.shown(1)
			h.ready()
			tc.press(v)
			d := h.decided(ch)
			got := policy.Decision{Outcome: d.Outcome, Answer: d.Answer}
			if d.DecidedBy != policy.ByPerson || got != tc.want {
				t.Fatalf("decision %+v, want %+v by the person", d, tc.want)
			}
			h.until("the window hides", func() bool { return !v.visible })
		})
	}
}

// pressKey presses and releases a key in the prompt, as the desktop driver reports it.
func pressKey(v *approvalView, k fyne.KeyName) {
	v.p.keyDown(&fyne.KeyEvent{Name: k})
	v.p.keyUp(&fyne.KeyEvent{Name: k})
}

// At the deadline the daemon times the call out and records it as timed out; the window
// sends nothing (a deny from here would be recorded as the person's answer) and lets the call
// go when the daemon reports it resolved.
func TestTimeUpSendsNoDeny(t *testing.T) {
	h := newHarness(t, nil)
	ctx, withdraw := context.WithCancel(context.Background())
	defer withdraw()
	go h.broker.Ask(ctx, policy.Request{Call: writeCall("write_file", "/tmp/a"), Verdict: writeVerdict})
	v := h.shown(1)
	h.ready()
	h.now = v.due.Add(-30 * time.Second)
	h.u.approvals.tick()
	if got := v.clock.Text; got != "Denied automatically in 30 s unless you answer." {
		t.Errorf("half-way the countdown says %q", got)
	}
	h.now = v.due.Add(time.Second) // the deadline the daemon gave has passed
	h.u.approvals.tick()
	if len(h.u.approvals.answering) != 0 || len(h.u.approvals.waiting()) != 1 {
		t.Fatalf("at the deadline the window answered the call itself (answering %v)", h.u.approvals.answering)
	}
	if !v.once.Disabled() || !v.deny.Disabled() || v.clock.Text != "Time is up: MCP Tray stopped the call without running it." {
		t.Errorf("after the deadline: buttons enabled %v, clock %q", !v.once.Disabled(), v.clock.Text)
	}
	pressKey(v, fyne.KeyReturn)
	test.Tap(v.once)
	withdraw() // the daemon resolves the call (here: the AI app stops waiting)
	h.until("the window hides", func() bool { return !v.visible })
	if got := h.called(); len(got) != 0 {
		t.Errorf("the window sent %q for a call whose time was up", got)
	}
}

func TestQueueOfThree(t *testing.T) {
	h := newHarness(t, nil)
	var chans []<-chan policy.Decision
	for _, tool := range []string{"first", "second", "third"} {
		chans = append(chans, h.ask(writeCall(tool, "/tmp/"+tool), writeVerdict))
		h.until(tool+" is queued", func() bool { return h.u.m.approvals.len() == len(chans) })
	}
	v := h.shown(3)
	h.ready()
	if v.pos.Text != "Call 1 of 3" || !strings.Contains(v.title.Text, "“first”") {
		t.Fatalf("shows %q %q, want the oldest call, Call 1 of 3", v.pos.Text, v.title.Text)
	}
	prompts := 0
	for _, w := range h.u.fa.Driver().AllWindows() {
		if w.Title() == ApprovalWindowTitle {
			prompts++
		}
	}
	if prompts != 1 {
		t.Errorf("%d approval windows open, want one for the whole queue", prompts)
	}
	// The second is answered elsewhere (the CLI): it leaves the queue.
	second := h.u.m.approvals.items[1].ID
	if err := h.broker.Answer(second, policy.Deny); err != nil {
		t.Fatal(err)
	}
	h.decided(chans[1])
	h.until("the answered call leaves", func() bool { return v.pos.Text == "Call 1 of 2" })
	test.Tap(v.once)
	if d := h.decided(chans[0]); d.Answer != policy.AllowOnce {
		t.Fatalf("first: %+v", d)
	}
	h.until("the third is shown", func() bool { return strings.Contains(v.title.Text, "“third”") })
	if v.pos.Text != "" {
		t.Errorf("a single call shows position %q", v.pos.Text)
	}
	test.Tap(v.deny) // the next call at the front waits its second too
	if h.u.approvals.answering[v.shown] {
		t.Fatal("a click answered the next call the moment it came to the front")
	}
	h.ready()
	test.Tap(v.deny)
	if d := h.decided(chans[2]); d.Outcome != policy.Denied {
		t.Fatalf("third: %+v", d)
	}
	h.until("the window hides", func() bool { return !v.visible })
	if got := h.called(); len(got) != 2 {
		t.Errorf("the GUI sent %q, want one answer for each call it showed", got)
	}
}

func walkButtons(o fyne.CanvasObject, f func(*promptButton)) {
	switch w := o.(type) {
	case *promptButton:
		f(w)
	case *fyne.Container:
		for _, c := range w.Objects {
			walkButtons(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(w).Objects() {
			walkButtons(c, f)
		}
	}
}

func TestReconnectDropsCallsResolvedMeanwhile(t *testing.T) {
	h := newHarness(t, nil)
	first := h.ask(writeCall("first", "/tmp/1"), writeVerdict)
	h.until("the first call waits", func() bool { return h.u.m.approvals.len() == 1 })
	h.ask(writeCall("second", "/tmp/2"), writeVerdict)
	v := h.shown(2)
	h.drop <- struct{}{}
	h.until("the GUI sees the stream end", func() bool { return !h.u.m.connected })
	// While the GUI is away, the first call is answered elsewhere.
	if err := h.broker.Answer(h.broker.Pending()[0].ID, policy.AllowOnce); err != nil {
		t.Fatal(err)
	}
	h.decided(first)
	h.until("the GUI is back with the daemon's snapshot", func() bool {
		return h.u.m.connected && len(h.u.approvals.waiting()) == 1 && v.visible
	})
	if !strings.Contains(v.title.Text, "“second”") || v.pos.Text != "" {
		t.Errorf("after the reconnect the prompt shows %q %q", v.pos.Text, v.title.Text)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.notes) != 2 {
		t.Errorf("%d notifications for two calls across a reconnect", len(h.notes))
	}
}

func TestAnAnswerTheDaemonRefusesComesBack(t *testing.T) {
	// Saving "always allow" fails (config.json cannot be written): the call stays held, and the
	// prompt shows it again with a sentence saying why.
	grants := policy.NewGrants(nil, func(policy.AlwaysGrant) error { return errors.New("the disk is full") })
	h := newHarnessWith(t, nil, policy.NewBroker(policy.BrokerOptions{Timeout: time.Minute, Grants: grants}))
	ch := h.ask(writeCall("write_file", "/tmp/a"), writeVerdict)
	v := h.shown(1)
	h.ready()
	test.Tap(v.always)
	h.until("the refusal is shown", func() bool { return v.problem.Visible() && v.visible })
	h.ready()
	if !strings.Contains(v.problem.Text, "MCP Tray could not record your answer") || !strings.Contains(v.problem.Text, "the disk is full") {
		t.Errorf("problem %q", v.problem.Text)
	}
	test.Tap(v.once)
	if d := h.decided(ch); d.Answer != policy.AllowOnce {
		t.Fatalf("decision %+v", d)
	}
	h.until("the window hides", func() bool { return !v.visible })
	if v.problem.Visible() {
		t.Error("the old problem is still shown")
	}
}
