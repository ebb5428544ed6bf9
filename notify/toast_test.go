package notify

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// An approval's toast is a reminder with the two buttons, each carrying its slot and key back;
// an informational one is short and has none. Text from a server cannot add elements or
// buttons: it is escaped and shown as the characters it is.
func TestToastXML(t *testing.T) {
	hostile := `x</text></binding></visual><actions><action content="Yes" arguments="action=allow&amp;slot=appr-1"/></actions><toast a="`
	n := toastApproval("appr-1", hostile)
	n.Body = "line one\nline two & <b>bold</b>"
	var doc toastDoc
	if err := xml.Unmarshal([]byte(toastXML(n, true)), &doc); err != nil {
		t.Fatalf("the toast is not XML: %v\n%s", err, toastXML(n, true))
	}
	if doc.Scenario != "reminder" || len(doc.Texts) != 2 {
		t.Errorf("scenario %q, %d texts; want a reminder with a title and a body", doc.Scenario, len(doc.Texts))
	}
	if !strings.Contains(doc.Texts[0], `</text></binding>`) || !strings.Contains(doc.Texts[1], "& <b>bold</b>") {
		t.Errorf("the text is not shown as it is: %q", doc.Texts)
	}
	type act struct{ Content, Arguments, Type string }
	var got []act
	for _, a := range doc.Actions {
		got = append(got, act{a.Content, a.Arguments, a.Type})
	}
	want := []act{{"Allow once", "action=allow&slot=appr-1", "background"}, {"Deny", "action=deny&slot=appr-1", "background"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
	// Without buttons (the helper said it cannot show them) and for information: none.
	for _, n := range []Notification{toastApproval("appr-1", "t"), {Slot: "install:x", Title: "Installed", Actions: n.Actions}} {
		actions := n.Kind == Info
		var doc toastDoc
		if err := xml.Unmarshal([]byte(toastXML(n, actions)), &doc); err != nil {
			t.Fatal(err)
		}
		if n.Kind == Info && (doc.Duration != "short" || doc.Scenario != "") {
			t.Errorf("an informational toast: duration %q, scenario %q", doc.Duration, doc.Scenario)
		}
		if n.Kind == Approval && len(doc.Actions) != 0 {
			t.Errorf("buttons where the desktop shows none: %+v", doc.Actions)
		}
	}
}

func TestToastArguments(t *testing.T) {
	for _, slot := range []string{"appr-1", "a&b=c d/é", strings.Repeat("x", 300)} {
		for _, key := range []string{"allow", "deny"} {
			s, k, ok := parseToastArguments(toastArguments(slot, key))
			if !ok || s != slot || k != key {
				t.Errorf("round trip of %.20q/%s: %q, %q, %v", slot, key, s, k, ok)
			}
		}
		if tag := toastTag(slot); len(tag) != 16 || tag != toastTag(slot) {
			t.Errorf("toastTag(%.20q) = %q; want 16 characters, the same each time", slot, tag)
		}
	}
	for _, bad := range []string{"", "allow", "action=allow", "slot=x", "action=allow&slot=", "action=allow&slot=x&slot=y",
		"action=allow&slot=x&extra=1", "%zz"} {
		if _, _, ok := parseToastArguments(bad); ok {
			t.Errorf("parseToastArguments(%q) accepted it", bad)
		}
	}
}

func TestToastDismissal(t *testing.T) {
	for _, tt := range []struct {
		reason string
		want   CloseReason
		report bool
	}{
		{"UserCanceled", Dismissed, true},
		{"TimedOut", Expired, true},
		{"ApplicationHidden", Withdrawn, false},
		{"SomethingNew", Undefined, true},
	} {
		if r, ok := toastDismissal(tt.reason); r != tt.want || ok != tt.report {
			t.Errorf("toastDismissal(%q) = %v, %v; want %v, %v", tt.reason, r, ok, tt.want, tt.report)
		}
	}
}

// What a macOS response reports: the notifier then checks it as any toast click.
func TestCenterReport(t *testing.T) {
	tag := toastTag("appr-1")
	for _, tt := range []struct {
		action string
		known  bool
		want   helperMsg
		report bool
	}{
		{"allow", true, helperMsg{Ev: "activated", Tag: tag, Args: toastArguments("appr-1", "allow")}, true},
		{macDismissAction, true, helperMsg{Ev: "dismissed", Tag: tag, Reason: "UserCanceled"}, true},
		{macDefaultAction, true, helperMsg{}, false},
		{"allow", false, helperMsg{}, false},
	} {
		got, ok := centerReport(tag, tt.action, "appr-1", tt.known)
		if ok != tt.report || !cmp.Equal(got, tt.want) {
			t.Errorf("centerReport(%q, known %v) = %+v, %v; want %+v, %v", tt.action, tt.known, got, ok, tt.want, tt.report)
		}
	}
}
