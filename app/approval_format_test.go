package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
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

func TestArgFieldsShowEveryField(t *testing.T) {
	m := map[string]int{}
	for i := range 100 {
		m[fmt.Sprintf("k%03d", i)] = i
	}
	raw, _ := json.Marshal(m)
	got := argFields(raw)
	if len(got) != 100 || got[99].Key != "k099" || got[99].Value != "99" {
		t.Fatalf("%d fields, last %+v; want all 100, none summed up", len(got), got[len(got)-1])
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
		{0, "Time is up: MCP Tray stopped the call without running it."},
		{-time.Second, "Time is up: MCP Tray stopped the call without running it."},
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
		{kubeLabel(api.KubeServer{Context: "dev"}), "context dev"},
		{kubeLabel(api.KubeServer{Context: "prod", Production: true}), "context prod (PRODUCTION)"},
		{kubeLabel(api.KubeServer{}), "no context chosen"},
		{kubeContextLabel(api.KubeContext{Name: "prod", Production: true}), "prod (production)"},
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

// What a server or an AI app sends reaches the prompt escaped: a carriage return cannot hide
// the start of a tool's name, a right-to-left override cannot reorder a path.
func TestPromptTextIsEscaped(t *testing.T) {
	a := policy.Approval{Client: "claude-ai\u202e", Server: "files\x1b[31m", Tool: "delete_all\r\x1b[2Kread_thing",
		Description: "Reads.\u202egnp.exe\nSecond line\ttab", KubeContext: "prod\r",
		Arguments: json.RawMessage(`{"pa\u202eth":"~/.bashrc\u202e","cmd":"curl x | sh\r\u001b[2Kls","deep":{"a":{"b":{"c":{"d":"\u2066x"}}}}}`)}
	want := "claude-ai\\u202e wants to use the tool “delete_all\\r\\x1b[2Kread_thing” of the server “files\\x1b[31m”."
	if got := headline(a); got != want {
		t.Errorf("headline\n got %q\nwant %q", got, want)
	}
	if got, want := describeTool(a), "Reads.\\u202egnp.exe\nSecond line\ttab"; got != want {
		t.Errorf("description %q, want %q", got, want)
	}
	a.Production = true
	if got := productionBanner(a); !strings.Contains(got, "“prod\\r”") {
		t.Errorf("banner %q", got)
	}
	wantArgs := []argField{
		{Key: "cmd", Value: "curl x | sh\\r\\x1b[2Kls"},
		{Key: "deep › a › b › c", Value: "{\n  \"d\": \"\\u2066x\"\n}"},
		{Key: "pa\\u202eth", Value: "~/.bashrc\\u202e"},
	}
	if d := cmp.Diff(wantArgs, argFields(a.Arguments)); d != "" {
		t.Errorf("arguments (-want +got):\n%s", d)
	}
}

func TestAppName(t *testing.T) {
	cases := []struct {
		name, client, app string
		headline, note    string
	}{
		{"claims Claude Desktop, is python", "claude-ai", "/usr/bin/python3",
			"Claude Desktop — started by /usr/bin/python3 — wants to use the tool “t” of the server “s”.", ""},
		{"Claude Desktop on macOS", "claude-ai", "/Applications/Claude.app/Contents/Frameworks/Claude Helper.app/Contents/MacOS/Claude Helper",
			"Claude Desktop wants to use the tool “t” of the server “s”.",
			"Program: /Applications/Claude.app/Contents/Frameworks/Claude Helper.app/Contents/MacOS/Claude Helper"},
		{"a folder named after the app does not count", "claude-ai", "/home/me/claude/python3",
			"Claude Desktop — started by /home/me/claude/python3 — wants to use the tool “t” of the server “s”.", ""},
		{"VS Code's helper", "Visual Studio Code", `C:\Program Files\Microsoft VS Code\Code.exe`,
			"VS Code wants to use the tool “t” of the server “s”.", `Program: C:\Program Files\Microsoft VS Code\Code.exe`},
		{"a node app", "gemini-cli-mcp-client", "/usr/lib/node",
			"Gemini CLI — started by /usr/lib/node — wants to use the tool “t” of the server “s”.", ""},
		{"an unknown name matching its program", "my-agent", "/opt/my-agent/bin/agent",
			"my-agent wants to use the tool “t” of the server “s”.", "Program: /opt/my-agent/bin/agent"},
		{"the system did not say", "claude-ai", "",
			"Claude Desktop wants to use the tool “t” of the server “s”.",
			"This is the name the app gives itself; MCP Tray could not check which program it is."},
		{"no name, hostile program path", "", "/tmp/x\r\x1b[2KClaude",
			"An AI app — started by /tmp/x\\r\\x1b[2KClaude — wants to use the tool “t” of the server “s”.", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := policy.Approval{Client: tc.client, App: tc.app, Tool: "t", Server: "s"}
			if got := headline(a); got != tc.headline {
				t.Errorf("headline\n got %q\nwant %q", got, tc.headline)
			}
			if got := appNote(a); got != tc.note {
				t.Errorf("note %q, want %q", got, tc.note)
			}
		})
	}
}

func TestLongNamesAreShortenedInTheHeadline(t *testing.T) {
	got := headline(policy.Approval{Client: "claude-ai", Tool: strings.Repeat("x", 500), Server: "s"})
	if want := "“" + strings.Repeat("x", maxNameChars) + "… (500 characters)”"; !strings.Contains(got, want) {
		t.Errorf("headline %q", got)
	}
}

func TestFoldDescription(t *testing.T) {
	sixty := strings.TrimSuffix(strings.Repeat("Line of instructions.\n", 60), "\n")
	cases := []struct {
		name, desc, short string
		folded            bool
		note              string
	}{
		{"short", "Writes a file.", "Writes a file.", false, ""},
		{"three lines", "a\nb\nc", "a\nb\nc", false, ""},
		{"sixty lines", sixty, "Line of instructions.\nLine of instructions.\nLine of instructions. …", true, "Show full description (60 lines)"},
		{"one long line", strings.Repeat("w", 400), strings.Repeat("w", descFoldChars) + " …", true, "Show full description (400 characters)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			short, folded := foldDescription(tc.desc)
			if short != tc.short || folded != tc.folded {
				t.Errorf("foldDescription = %q, %v; want %q, %v", short, folded, tc.short, tc.folded)
			}
			if folded && descNote(tc.desc) != tc.note {
				t.Errorf("note %q, want %q", descNote(tc.desc), tc.note)
			}
		})
	}
}

func TestReadyNote(t *testing.T) {
	for _, tc := range []struct {
		left time.Duration
		want string
	}{
		{time.Second, "Read the call first: the buttons work in 1 s."},
		{300 * time.Millisecond, "Read the call first: the buttons work in 1 s."},
		{0, ""},
		{-time.Second, ""},
	} {
		if got := readyNote("the call", tc.left); got != tc.want {
			t.Errorf("readyNote(%v) = %q, want %q", tc.left, got, tc.want)
		}
	}
}
