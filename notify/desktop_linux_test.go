package notify

import (
	"context"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/mcptray/mcptray/internal/display"
)

var approvalActions = []Action{{"allow", "Allow once"}, {"deny", "Deny"}}

func approval(slot, title string) Notification {
	return Notification{Slot: slot, Title: title, Body: "Claude Desktop wants to write a file.",
		Urgency: Critical, Kind: Approval, Actions: approvalActions}
}

// A post appears; a second post to its slot replaces it under the same id; withdrawing it
// closes it (NotificationClosed, reason 3) and reports nothing to MCP Tray.
func TestPostReplaceWithdraw(t *testing.T) {
	s := startService(t)
	n := s.open(t, newFakeClock())
	ctx := context.Background()
	if !n.SupportsActions() {
		t.Fatal("dunst shows buttons, but the notifier says it does not")
	}

	if err := n.Post(ctx, approval("ap-1", "Allow write_file?")); err != nil {
		t.Fatal(err)
	}
	first := s.nextNotify(t)
	if shown, waiting := s.count(t); shown+waiting != 1 {
		t.Fatalf("dunst holds %d notifications after one post, want 1", shown+waiting)
	}
	if first.replaces != 0 || first.expire != 0 || first.hints["category"].Value() != "x-mcptray.approval" ||
		first.hints["urgency"].Value() != byte(Critical) || first.hints["resident"].Value() != false {
		t.Fatalf("an approval was posted as %+v; want a new, never-expiring, critical approval that is not resident", first)
	}
	if diff := cmp.Diff([]string{"allow", "Allow once", "deny", "Deny"}, first.actions); diff != "" {
		t.Fatalf("actions (-want +got):\n%s", diff)
	}

	if err := n.Post(ctx, approval("ap-1", "Allow write_file? (again)")); err != nil {
		t.Fatal(err)
	}
	second := s.nextNotify(t)
	if second.replaces != first.id || second.id != first.id {
		t.Fatalf("the second post to a slot replaced %d and got %d; want both %d", second.replaces, second.id, first.id)
	}
	if shown, waiting := s.count(t); shown+waiting != 1 {
		t.Fatalf("dunst holds %d notifications after a replacement, want 1", shown+waiting)
	}

	if err := n.Withdraw(ctx, "ap-1"); err != nil {
		t.Fatal(err)
	}
	closed := s.nextSignal(t, "NotificationClosed")
	var id, reason uint32
	if err := dbus.Store(closed.Body, &id, &reason); err != nil {
		t.Fatal(err)
	}
	if id != first.id || CloseReason(reason) != Withdrawn {
		t.Fatalf("NotificationClosed(%d, %d), want (%d, %d)", id, reason, first.id, Withdrawn)
	}
	if shown, waiting := s.count(t); shown+waiting != 0 {
		t.Fatalf("dunst holds %d notifications after the withdrawal, want none", shown+waiting)
	}
	if err := n.Withdraw(ctx, "ap-1"); err != nil {
		t.Fatalf("withdrawing twice: %v", err)
	}

	// An informational notification expires by itself and says so; the withdrawal above
	// reported nothing (events arrive in order, so this is the first).
	if err := n.Post(ctx, Notification{Slot: "info", Title: "Filesystem is installed", Expire: 50 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	info := s.nextNotify(t)
	if info.expire != 50 || info.hints["transient"].Value() != true || info.hints["category"].Value() != "x-mcptray.info" {
		t.Fatalf("an informational notification was posted as %+v", info)
	}
	if ev := nextEvent(t, n); ev != (Event{Kind: Closed, Slot: "info", Reason: Expired}) {
		t.Fatalf("first event %+v, want the informational notification's expiry", ev)
	}
}

// An action inside the first second does nothing (the notification is shown again); one at
// 1.2 seconds counts.
func TestActionGuard(t *testing.T) {
	s := startService(t)
	clock := newFakeClock()
	n := s.open(t, clock)
	ctx := context.Background()

	if err := n.Post(ctx, approval("ap-7", "Allow write_file?")); err != nil {
		t.Fatal(err)
	}
	first := s.nextNotify(t)

	clock.Advance(300 * time.Millisecond)
	s.click(t, "allow")
	s.nextSignal(t, "ActionInvoked")
	again := s.nextNotify(t) // the notifier shows it anew, its guard starting again
	if again.id == first.id || again.title != first.title {
		t.Fatalf("after an early click the notification was posted as %+v; want the same one under a new id", again)
	}

	clock.Advance(1200 * time.Millisecond)
	s.click(t, "deny")
	if ev := nextEvent(t, n); ev != (Event{Kind: ActionInvoked, Slot: "ap-7", Action: "deny"}) {
		t.Fatalf("first event %+v, want the click at 1.2 s (deny); the click at 0.3 s must do nothing", ev)
	}

	// New content in the slot starts the guard again: a click 0.3 s after the replacement
	// does nothing, however long the slot has shown.
	clock.Advance(5 * time.Second)
	if err := n.Post(ctx, approval("ap-7", "Allow delete_file?")); err != nil {
		t.Fatal(err)
	}
	s.nextNotify(t)
	clock.Advance(300 * time.Millisecond)
	s.click(t, "allow")
	s.nextSignal(t, "ActionInvoked")
	s.nextNotify(t)
	clock.Advance(1200 * time.Millisecond)
	s.click(t, "deny")
	if ev := nextEvent(t, n); ev != (Event{Kind: ActionInvoked, Slot: "ap-7", Action: "deny"}) {
		t.Fatalf("event %+v after a replacement, want the click at 1.2 s (deny); the one at 0.3 s must do nothing", ev)
	}
}

// Only the notification service may click: an "allow" sent to MCP Tray's connection by
// another program on the bus, addressed to it or broadcast, is dropped.
func TestSpoofedActionIgnored(t *testing.T) {
	s := startService(t)
	clock := newFakeClock()
	n := s.open(t, clock)
	if err := n.Post(context.Background(), approval("ap-9", "Allow delete_repo?")); err != nil {
		t.Fatal(err)
	}
	c := s.nextNotify(t)
	clock.Advance(5 * time.Second)

	evil, err := dbus.Connect(s.bus)
	if err != nil {
		t.Fatal(err)
	}
	defer evil.Close()
	for _, dest := range []string{c.sender, ""} {
		m := &dbus.Message{Type: dbus.TypeSignal, Headers: map[dbus.HeaderField]dbus.Variant{
			dbus.FieldPath:      dbus.MakeVariant(busPath),
			dbus.FieldInterface: dbus.MakeVariant(busIface),
			dbus.FieldMember:    dbus.MakeVariant("ActionInvoked"),
			dbus.FieldSignature: dbus.MakeVariant(dbus.SignatureOf(uint32(0), "")),
		}, Body: []any{c.id, "allow"}}
		if dest != "" {
			m.Headers[dbus.FieldDestination] = dbus.MakeVariant(dest)
		}
		if call := evil.Send(m, nil); call.Err != nil {
			t.Fatal(call.Err)
		}
		s.nextSignal(t, "ActionInvoked") // on the bus, so the notifier has it too
	}

	s.click(t, "deny")
	if ev := nextEvent(t, n); ev != (Event{Kind: ActionInvoked, Slot: "ap-9", Action: "deny"}) {
		t.Fatalf("first event %+v, want the person's deny; another program's allow must be dropped", ev)
	}
}

// A title and body from a server full of escape sequences and markup reach a service that
// reads markup as text that shows exactly the characters display makes of them.
func TestHostileTextIsPlain(t *testing.T) {
	s := startService(t)
	n := s.open(t, newFakeClock())
	title := "read_file\r\x1b[2K<b>delete_all</b> &amp;"
	body := "<a href=\"https://evil.example\">click</a> &lt;i&gt;\n\x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \u202eexe.txt <img src=x/>"
	if err := n.Post(context.Background(), Notification{Slot: "x", Title: title, Body: body}); err != nil {
		t.Fatal(err)
	}
	c := s.nextNotify(t)
	for _, f := range []struct{ sent, want string }{{c.title, display.Line(title)}, {c.body, display.Text(body)}} {
		if got := markupText(t, f.sent); got != f.want {
			t.Errorf("sent %q, which a markup reader shows as %q; want %q", f.sent, got, f.want)
		}
	}
}

// markupText is what a markup reader shows of s; it fails the test if s holds any markup.
func markupText(t *testing.T, s string) string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader("<markup>" + s + "</markup>"))
	dec.Strict = true
	var text strings.Builder
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if depth != 0 {
				t.Fatalf("%q is not well-formed markup: %v", s, err)
			}
			return text.String()
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth++; depth > 1 {
				t.Fatalf("%q holds the element <%s>", s, tok.Name.Local)
			}
		case xml.EndElement:
			depth--
		case xml.CharData:
			text.Write(tok)
		default:
			t.Fatalf("%q holds markup %T", s, tok)
		}
	}
}

// A session bus where no notification service runs (and none can be started: the bus has
// no service files) is said plainly and at once, so the window keeps the prompt as the only
// way to answer.
func TestNoService(t *testing.T) {
	needTools(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=`+dir+`</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>`), 0o600); err != nil {
		t.Fatal(err)
	}
	b := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--print-address=1")
	b.SysProcAttr = diesWithTest()
	out, err := b.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Process.Kill(); b.Wait() })
	addr, err := readLine(out)
	if err != nil {
		t.Fatal(err)
	}
	n, err := OpenDesktop(Options{BusAddress: addr})
	if !errors.Is(err, ErrNoService) {
		if n != nil {
			n.Close()
		}
		t.Fatalf("OpenDesktop on a bus without a notification service: %v, want ErrNoService", err)
	}
	if strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("OpenDesktop waited for a bus that answers: %v", err)
	}
}
