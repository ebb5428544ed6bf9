package app

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/policy"
)

func TestArgFields(t *testing.T) {
	long := strings.Repeat("y", 241)
	cases := []struct {
		name string
		raw  string
		want []argField
	}{
		{"empty", ``, nil},
		{"no arguments", `{}`, []argField{{Key: "arguments", Value: "(empty)"}}},
		{"scalars", `{"n":1.5,"ok":false,"s":"text","z":null,"e":""}`, []argField{
			{Key: "e", Value: "(empty text)"}, {Key: "n", Value: "1.5"}, {Key: "ok", Value: "no"},
			{Key: "s", Value: "text"}, {Key: "z", Value: "(none)"}}},
		{"big numbers stay exact", `{"id":12345678901234567890}`, []argField{{Key: "id", Value: "12345678901234567890"}}},
		{"nested objects become paths", `{"a":{"b":{"c":1}}}`, []argField{{Key: "a › b › c", Value: "1"}}},
		{"lists of scalars are one line", `{"tags":["x","y",3]}`, []argField{{Key: "tags", Value: "x, y, 3"}}},
		{"lists of objects are numbered", `{"files":[{"path":"a"},{"path":"b"}]}`, []argField{
			{Key: "files › 1 › path", Value: "a"}, {Key: "files › 2 › path", Value: "b"}}},
		{"empty list", `{"l":[]}`, []argField{{Key: "l", Value: "(empty list)"}}},
		{"too deep is indented JSON", `{"a":{"b":{"c":{"d":{"e":1}}}}}`, []argField{
			{Key: "a › b › c › d", Value: "{\n  \"e\": 1\n}"}}},
		{"long values fold", `{"t":"` + long + `"}`, []argField{
			{Key: "t", Value: long, Short: strings.Repeat("y", foldChars) + " …"}}},
		{"many lines fold", `{"t":"1\n2\n3\n4\n5"}`, []argField{{Key: "t", Value: "1\n2\n3\n4\n5", Short: "1\n2\n3\n4 …"}}},
		{"not an object", `"just text"`, []argField{{Key: "arguments", Value: "just text"}}},
		{"not JSON", `{oops`, []argField{{Key: "arguments", Value: "{oops"}}},
		{"redacted secrets show as redacted", `{"token":"[REDACTED]"}`, []argField{{Key: "token", Value: "[REDACTED]"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, argFields(json.RawMessage(tc.raw))); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestArgFieldsAreBounded(t *testing.T) {
	m := map[string]int{}
	for i := range 100 {
		m[strings.Repeat("k", 1+i/26)+string(rune('a'+i%26))] = i
	}
	raw, _ := json.Marshal(m)
	got := argFields(raw)
	if len(got) != maxArgFields+1 || got[maxArgFields].Value != "and 60 more fields (see the audit log for every one)" {
		t.Fatalf("%d fields, last %+v", len(got), got[len(got)-1])
	}
}

func TestFoldNote(t *testing.T) {
	for _, tc := range []struct {
		value, want string
	}{
		{strings.Repeat("x", 300), "Show all (300 characters)"},
		{"a\nb\nc\nd\ne\nf", "Show all (6 lines)"},
		{strings.Repeat("é", 250), "Show all (250 characters)"},
	} {
		if got := foldNote(argField{Value: tc.value}); got != tc.want {
			t.Errorf("foldNote(%.10q…) = %q, want %q", tc.value, got, tc.want)
		}
	}
}

func TestCountdown(t *testing.T) {
	for _, tc := range []struct {
		left time.Duration
		want string
	}{
		{55 * time.Second, "Denied automatically in 55 s unless you answer."},
		{54*time.Second + time.Millisecond, "Denied automatically in 55 s unless you answer."},
		{time.Millisecond, "Denied automatically in 1 s unless you answer."},
		{90 * time.Second, "Denied automatically in 1 min 30 s unless you answer."},
		{5 * time.Minute, "Denied automatically in 5 min 00 s unless you answer."},
		{0, "Time is up: the call is denied."},
		{-time.Second, "Time is up: the call is denied."},
	} {
		if got := countdown(tc.left); got != tc.want {
			t.Errorf("countdown(%v) = %q, want %q", tc.left, got, tc.want)
		}
	}
}

func TestLabels(t *testing.T) {
	a := policy.Approval{Client: "claude-ai", Server: "github", Tool: "create_issue"}
	for _, tc := range []struct{ got, want string }{
		{headline(a), "Claude Desktop wants to use the tool “create_issue” of the server “github”."},
		{clientName(""), "An AI app"},
		{clientName("my-agent"), "my-agent"},
		{clientName("cursor-vscode"), "Cursor"},
		{productionBanner(a), ""},
		{productionBanner(policy.Approval{Production: true}), "PRODUCTION: this call acts on a production Kubernetes context."},
		{productionBanner(policy.Approval{Production: true, KubeContext: "prod"}), "PRODUCTION: this call acts on the Kubernetes context “prod”, which is marked as production."},
		{position(0, 1), ""},
		{position(0, 3), "Call 1 of 3"},
		{describeTool(a), "No description is known for this tool."},
		{pendingLabel(2), "Pending approvals (2)…"},
		{kubeLabel(kubeServer{Context: "dev"}), "context dev"},
		{kubeLabel(kubeServer{Context: "prod", Production: true}), "context prod (PRODUCTION)"},
		{kubeLabel(kubeServer{}), "no context chosen"},
		{kubeContextLabel(kubeContext{Name: "prod", Production: true}), "prod (production)"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	title, text := notification(policy.Approval{Client: "claude-ai", Server: "k8s", Tool: "delete", Production: true})
	if title != "Approval needed (production)" || text != "Claude Desktop wants to use the tool “delete” of the server “k8s”. Open MCP Tray to allow or deny it." {
		t.Errorf("notification: %q %q", title, text)
	}
}

func TestResolvedEventsDecode(t *testing.T) {
	// A call the person answered elsewhere (the CLI) must leave the queue: the stream's event
	// carries a decision whose answer is written as text.
	q := approvalQueue{}
	add, _ := json.Marshal(map[string]any{"approval": policy.Event{Kind: policy.ApprovalAdded, Approval: policy.Approval{ID: "a1"}}})
	done, _ := json.Marshal(map[string]any{"approval": policy.Event{Kind: policy.ApprovalResolved, Approval: policy.Approval{ID: "a1"},
		Decision: &policy.Decision{Outcome: policy.Allowed, DecidedBy: policy.ByPerson, Answer: policy.AlwaysAllow}}})
	for _, raw := range [][]byte{add, add, done} {
		ev, err := decodeEvent(raw)
		if err != nil {
			t.Fatalf("decoding %s: %v", raw, err)
		}
		q.apply(*ev.Approval)
		if q.len() != 1 && string(raw) != string(done) {
			t.Fatalf("after %s the queue holds %d", raw, q.len())
		}
	}
	if q.len() != 0 {
		t.Fatalf("a resolved call stays in the queue: %+v", q.items)
	}
}

func TestQueueKeepsTheDaemonsOrder(t *testing.T) {
	t0 := time.Unix(100, 0)
	q := approvalQueue{}
	for _, a := range []policy.Approval{{ID: "c", Created: t0.Add(2)}, {ID: "a", Created: t0}, {ID: "b", Created: t0}} {
		if !q.apply(policy.Event{Kind: policy.ApprovalAdded, Approval: a}) {
			t.Fatalf("%s was not added", a.ID)
		}
	}
	if q.apply(policy.Event{Kind: policy.ApprovalAdded, Approval: policy.Approval{ID: "b", Created: t0}}) {
		t.Fatal("an id seen twice was added twice")
	}
	var ids []string
	for _, a := range q.items {
		ids = append(ids, a.ID)
	}
	if d := cmp.Diff([]string{"a", "b", "c"}, ids); d != "" {
		t.Errorf("order (-want +got):\n%s", d)
	}
}
