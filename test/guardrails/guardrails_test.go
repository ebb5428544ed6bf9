package guardrails

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
)

type bridge struct {
	in    io.WriteCloser
	lines <-chan string
}

func connect(t *testing.T, u *testbin.User, name string) *bridge {
	t.Helper()
	_, in, lines := u.Connect(t, name)
	b := &bridge{in: in, lines: lines}
	b.send(t, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	b.answer(t, 0)
	b.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return b
}

func (b *bridge) send(t *testing.T, line string) {
	t.Helper()
	if _, err := io.WriteString(b.in, line+"\n"); err != nil {
		t.Fatal(err)
	}
}

// answer returns the next answer to id, skipping other messages.
func (b *bridge) answer(t *testing.T, id int) map[string]any {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l, ok := <-b.lines:
			if !ok {
				t.Fatal("the bridge closed its output")
			}
			var m map[string]any
			json.Unmarshal([]byte(l), &m)
			if n, ok := m["id"].(float64); ok && int(n) == id && m["method"] == nil {
				return m
			}
		case <-deadline:
			t.Fatalf("no answer to request %d within 30 s", id)
		}
	}
}

func (b *bridge) call(t *testing.T, id int, tool, args string) {
	t.Helper()
	b.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, id, tool, args))
}

// toolError returns the text of an isError result, "" for anything else.
func toolError(m map[string]any) string {
	r, _ := m["result"].(map[string]any)
	if r == nil || r["isError"] != true {
		return ""
	}
	c, _ := r["content"].([]any)
	if len(c) == 0 {
		return ""
	}
	first, _ := c[0].(map[string]any)
	s, _ := first["text"].(string)
	return s
}

func audit(u *testbin.User) string {
	files, _ := filepath.Glob(filepath.Join(u.Home, "audit", "*.jsonl"))
	var all strings.Builder
	for _, f := range files {
		b, _ := os.ReadFile(f)
		all.Write(b)
	}
	return all.String()
}

// A slow tool with a 2 s timeout: the client gets a tool error saying so, the audit log says
// the call timed out after 2 s, and the session goes on.
func TestTimeout(t *testing.T) {
	u := testbin.NewUser(t)
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake")
	u.OK("policy", "limit", "fake", "slow", "--timeout", "2s")
	u.Daemon()
	u.WaitRunning("fake")
	b := connect(t, u, "fake")
	b.call(t, 1, "slow", `{"ms":60000}`)
	if msg := toolError(b.answer(t, 1)); !strings.Contains(msg, "did not finish this call within 2 s") {
		t.Fatalf("the slow call's answer: %q", msg)
	}
	u.Eventually("the audit log has the timed-out call", func() bool {
		a := audit(u)
		return strings.Contains(a, `"outcome":"timed_out"`) && strings.Contains(a, `"note":"timed out after 2 s"`)
	})
	b.call(t, 2, "echo", `{"text":"still here"}`)
	if m := b.answer(t, 2); toolError(m) != "" || !strings.Contains(fmt.Sprint(m["result"]), "still here") {
		t.Fatalf("the session after the timeout: %v", m)
	}
}

// A limit of 3 calls a minute: the fourth gets a tool error saying when to try again. One
// call at a time: of 5 AI apps calling at once, one runs and four are told to try again.
func TestRateAndConcurrency(t *testing.T) {
	u := testbin.NewUser(t)
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake")
	u.OK("policy", "limit", "fake", "echo", "--rate", "3/m")
	u.OK("policy", "limit", "fake", "slow", "--concurrent", "1")
	u.Daemon()
	u.WaitRunning("fake")
	b := connect(t, u, "fake")
	for i := 1; i <= 3; i++ {
		b.call(t, i, "echo", `{"text":"hi"}`)
		if msg := toolError(b.answer(t, i)); msg != "" {
			t.Fatalf("call %d refused: %s", i, msg)
		}
	}
	b.call(t, 4, "echo", `{"text":"hi"}`)
	if msg := toolError(b.answer(t, 4)); !strings.Contains(msg, "at most 3 times a minute") || !strings.Contains(msg, "Try again in") {
		t.Fatalf("the fourth call: %q", msg)
	}

	apps := make([]*bridge, 5)
	for i := range apps {
		apps[i] = connect(t, u, "fake")
	}
	apps[0].call(t, 1, "slow", `{"ms":60000}`)
	u.Eventually("the first slow call runs", func() bool {
		out, _, _ := u.Run("logs", "fake", "--tail", "200")
		return strings.Contains(out, "slow: started")
	})
	for _, a := range apps[1:] {
		a.call(t, 1, "slow", `{"ms":1}`)
	}
	for i, a := range apps[1:] {
		if msg := toolError(a.answer(t, 1)); !strings.Contains(msg, "only one call of slow") {
			t.Fatalf("app %d's call while one runs: %q", i+2, msg)
		}
	}
}

// An argument carrying an SSH private key is held for the person by default; the prompt
// says a private key was found and shows none of it, and no audit line holds it.
func TestPrivateKeyAsks(t *testing.T) {
	u := testbin.NewUser(t)
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake")
	u.Daemon()
	u.WaitRunning("fake")
	b := connect(t, u, "fake")
	key := "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n"
	args, _ := json.Marshal(map[string]string{"text": key})
	b.call(t, 1, "echo", string(args))
	var out string
	u.Eventually("the call waits for the person", func() bool {
		out = u.OK("approvals", "--json")
		return strings.Contains(out, `"echo"`)
	})
	if !strings.Contains(out, "a private key") || strings.Contains(out, "b3BlbnNzaC1rZXkt") {
		t.Fatalf("the approval: %s", out)
	}
	var res struct{ Approvals []struct{ ID string } }
	json.Unmarshal([]byte(out), &res)
	u.OK("deny", res.Approvals[0].ID)
	if msg := toolError(b.answer(t, 1)); msg == "" {
		t.Fatal("the denied call got no tool error")
	}
	u.Eventually("the audit log has the call", func() bool { return strings.Contains(audit(u), "a private key") })
	if strings.Contains(audit(u), "b3BlbnNzaC1rZXkt") {
		t.Fatal("the audit log holds the key")
	}
}

func sha(line string) string {
	sum := sha256.Sum256([]byte(line))
	return hex.EncodeToString(sum[:])
}

// `mcptray policy limit` while MCP Tray runs goes through the daemon and applies to the next
// call; --clear (a loosening, taken from the person's terminal) lifts it.
func TestLimitWhileRunning(t *testing.T) {
	u := testbin.NewUser(t)
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake")
	u.Daemon()
	u.WaitRunning("fake")
	if out := u.OK("policy", "limit", "fake", "echo", "--rate", "1/h"); out != "Calls of echo of fake: at most 1 call an hour.\n" {
		t.Fatalf("policy limit said %q", out)
	}
	b := connect(t, u, "fake")
	id := 0
	call := func() string {
		id++
		b.call(t, id, "echo", `{"text":"hi"}`)
		return toolError(b.answer(t, id))
	}
	// The daemon applies config.json as it reloads it: the first call after that is the
	// last one allowed this hour.
	u.Eventually("the limit applies", func() bool { return strings.Contains(call(), "at most 1 time an hour") })
	u.OK("policy", "limit", "fake", "--clear")
	u.Eventually("the limit is lifted", func() bool { return call() == "" })
	if _, errs, code := u.Run("policy", "limit", "fake", "--rate", "lots"); code != 1 || !strings.Contains(errs, `"lots" is not a rate`) {
		t.Fatalf("a bad rate: exit %d, %s", code, errs)
	}
}
