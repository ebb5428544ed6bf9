package notify

import (
	"bufio"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// The helper protocol and everything the notifier decides (slots, the guard, which clicks
// count) run on every platform; these tests drive them against a real child process, this
// test binary re-executed as a stand-in for the PowerShell toast helper (fakeToastHelper).

const fakeHelperEnv = "MCPTRAY_NOTIFY_FAKE_TOAST_HELPER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(fakeHelperEnv); mode != "" {
		fakeToastHelper(mode)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakeToastHelper speaks the helper's side of the protocol as toast_helper.ps1 does: it
// parses each toast as XML (as Windows does, refusing what does not parse), answers every
// request, and, for the test, turns "click" and "dismiss" requests into what Windows would
// report for them. mode "never" never says it is ready.
func fakeToastHelper(mode string) {
	out := json.NewEncoder(os.Stdout)
	if mode == "never" { // reads on, never ready, and ends with its input
		bufio.NewScanner(os.Stdin).Scan()
		return
	}
	out.Encode(helperMsg{Ev: "ready", Actions: true})
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var m helperMsg
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			continue
		}
		var err error
		switch m.Op {
		case "show":
			var t toastDoc
			err = xml.Unmarshal([]byte(m.XML), &t)
		case "remove":
		case "click":
			out.Encode(helperMsg{Ev: "activated", Tag: m.Tag, Args: m.XML})
		case "dismiss":
			out.Encode(helperMsg{Ev: "dismissed", Tag: m.Tag, Reason: m.XML})
		default:
			err = fmt.Errorf("unknown op %s", m.Op)
		}
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		out.Encode(helperMsg{Ev: "done", ID: m.ID, Error: msg})
	}
}

// toastDoc is the part of a toast document the tests read.
type toastDoc struct {
	XMLName  xml.Name `xml:"toast"`
	Scenario string   `xml:"scenario,attr"`
	Duration string   `xml:"duration,attr"`
	Texts    []string `xml:"visual>binding>text"`
	Actions  []struct {
		Content   string `xml:"content,attr"`
		Arguments string `xml:"arguments,attr"`
		Type      string `xml:"activationType,attr"`
	} `xml:"actions>action"`
}

// helperClock is a clock the test moves.
type helperClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *helperClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *helperClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func startFakeHelper(t *testing.T, mode string) (*helper, *helperClock, error) {
	t.Helper()
	clock := &helperClock{t: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fakeHelperEnv+"="+mode)
	h, err := startHelper(cmd, Options{Now: clock.Now})
	if err == nil {
		t.Cleanup(func() { h.Close() })
	}
	return h, clock, err
}

// fake sends a test-only request ("click", "dismiss") to the fake helper.
func fake(t *testing.T, h *helper, op, tag, arg string) {
	t.Helper()
	if err := h.call(context.Background(), helperMsg{Op: op, Tag: tag, XML: arg}); err != nil {
		t.Fatalf("%s: %v", op, err)
	}
}

func nextHelperEvent(t *testing.T, h *helper) (Event, bool) {
	t.Helper()
	select {
	case ev := <-h.Events():
		return ev, true
	case <-time.After(300 * time.Millisecond):
		return Event{}, false
	}
}

func toastApproval(slot, title string) Notification {
	return Notification{Slot: slot, Kind: Approval, Urgency: Critical, Title: title, Body: "Claude Desktop wants to use write_file.",
		Actions: []Action{{Key: "allow", Label: "Allow once"}, {Key: "deny", Label: "Deny"}}}
}

// A click inside the one-second guard does nothing but show the toast again; one after it
// answers; clicks that name another slot, an action the notification does not have, or a
// tag this notifier did not show are dropped; a withdrawal reports nothing and a later
// report about the withdrawn toast is ignored; a person's dismissal is a Closed event.
func TestHelperGuardAndClicks(t *testing.T) {
	h, clock, err := startFakeHelper(t, "ok")
	if err != nil {
		t.Fatal(err)
	}
	if !h.SupportsActions() {
		t.Fatal("the helper said it shows buttons; SupportsActions is false")
	}
	ctx := context.Background()
	if err := h.Post(ctx, toastApproval("appr-1", "Allow write_file?")); err != nil {
		t.Fatal(err)
	}
	tag := toastTag("appr-1")
	allow := toastArguments("appr-1", "allow")

	clock.Add(300 * time.Millisecond)
	fake(t, h, "click", tag, allow)
	if ev, ok := nextHelperEvent(t, h); ok {
		t.Fatalf("a click at 0.3 s was delivered: %+v", ev)
	}
	// The repost restarted the guard at 0.3 s: 1.2 s is 0.9 s after it.
	clock.Add(900 * time.Millisecond)
	fake(t, h, "click", tag, allow)
	if ev, ok := nextHelperEvent(t, h); ok {
		t.Fatalf("a click 0.9 s after the repost was delivered: %+v", ev)
	}
	clock.Add(1100 * time.Millisecond)
	for _, spoof := range []struct{ tag, args string }{
		{tag, toastArguments("appr-2", "allow")},                // another slot under this tag
		{tag, toastArguments("appr-1", "always")},               // an action it does not have
		{toastTag("appr-9"), toastArguments("appr-9", "allow")}, // a toast never shown
		{tag, "allow"}, // not our arguments
	} {
		fake(t, h, "click", spoof.tag, spoof.args)
		if ev, ok := nextHelperEvent(t, h); ok {
			t.Fatalf("a spoofed click %+v was delivered: %+v", spoof, ev)
		}
	}
	fake(t, h, "click", tag, allow)
	if ev, ok := nextHelperEvent(t, h); !ok || ev != (Event{Kind: ActionInvoked, Slot: "appr-1", Action: "allow"}) {
		t.Fatalf("a click after the guard: %+v, %v", ev, ok)
	}

	if err := h.Withdraw(ctx, "appr-1"); err != nil {
		t.Fatal(err)
	}
	if err := h.Withdraw(ctx, "appr-1"); err != nil {
		t.Fatalf("a second withdrawal: %v", err)
	}
	fake(t, h, "dismiss", tag, "UserCanceled")
	fake(t, h, "click", tag, allow)
	if ev, ok := nextHelperEvent(t, h); ok {
		t.Fatalf("a withdrawn toast reported %+v", ev)
	}

	if err := h.Post(ctx, toastApproval("appr-2", "Allow read_file?")); err != nil {
		t.Fatal(err)
	}
	fake(t, h, "dismiss", toastTag("appr-2"), "ApplicationHidden") // MCP Tray's own: nothing
	if ev, ok := nextHelperEvent(t, h); ok {
		t.Fatalf("a toast hidden by the app reported %+v", ev)
	}
	fake(t, h, "dismiss", toastTag("appr-2"), "UserCanceled")
	if ev, ok := nextHelperEvent(t, h); !ok || ev != (Event{Kind: Closed, Slot: "appr-2", Reason: Dismissed}) {
		t.Fatalf("a dismissal: %+v, %v", ev, ok)
	}
}

// A post the helper refuses (here: a document that is not XML would be; toastXML never makes
// one, so an unknown op stands in) is an error; a helper that never says it is ready is
// ErrNoService, and the process is gone; Close is idempotent and ends Events.
func TestHelperFailures(t *testing.T) {
	h, _, err := startFakeHelper(t, "ok")
	if err != nil {
		t.Fatal(err)
	}
	if err := h.call(context.Background(), helperMsg{Op: "explode"}); err == nil {
		t.Error("a request the helper refused was not an error")
	}
	if err := h.Post(context.Background(), Notification{}); err == nil {
		t.Error("a post without a slot was not an error")
	}
	h.Close()
	h.Close()
	if _, ok := <-h.Events(); ok {
		t.Error("Events is open after Close")
	}
	if err := h.Post(context.Background(), toastApproval("late", "x")); err == nil {
		t.Error("a post after Close was not an error")
	}

	defer func(d time.Duration) { helperTimeout = d }(helperTimeout)
	helperTimeout = 500 * time.Millisecond
	start := time.Now()
	_, _, err = startFakeHelper(t, "never")
	if !errors.Is(err, ErrNoService) {
		t.Fatalf("a helper that is never ready: %v, want ErrNoService", err)
	}
	if took := time.Since(start); took > helperTimeout+3*time.Second {
		t.Errorf("giving up took %v", took)
	}
}
