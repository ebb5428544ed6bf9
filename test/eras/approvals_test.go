package eras

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcptray/mcptray/internal/testbin"
)

// In both modes, a call whose server needs input is approved once and recorded once, with
// its final outcome, whichever side retries it: MCP Tray (a legacy client on a modern-only
// server), the client through MCP Tray's own request state (a modern client on a legacy
// server), or the client on its own (a modern client on a modern server, modern-only or
// speaking both eras). In shared mode the hub binds a modern app's own retry to that app's
// approved call (gateway/shared_retry.go).
func TestApprovalsBindToTheOriginalCall(t *testing.T) {
	cases := []struct {
		server string
		modern bool
	}{{"modern", false}, {"legacy", true}, {"both", true}, {"modern", true}}
	for _, mode := range []string{"session", "shared"} {
		t.Run(mode, func(t *testing.T) {
			u := testbin.NewUser(t)
			// Each case has a server of its own, so that its audit log holds only its call.
			name := func(server string, modern bool) string {
				return fmt.Sprintf("%s-for-%s", server, map[bool]string{false: "legacy", true: "modern"}[modern])
			}
			for _, c := range cases {
				s := serverNamed(c.server)
				args := append([]string{"server", "add", name(c.server, c.modern), "--mode", mode, "--"}, s.command(t)...)
				u.OK(args...)
				u.OK("policy", "trust", name(c.server, c.modern))
				u.OK("policy", "set", name(c.server, c.modern), s.elicitTool, "ask")
			}
			u.Daemon()
			for _, c := range cases {
				s := serverNamed(c.server)
				t.Run(fmt.Sprintf("%s-client/%s-server", map[bool]string{false: "legacy", true: "modern"}[c.modern], s.name), func(t *testing.T) {
					approvedOnce(t, u, s, name(c.server, c.modern), c.modern)
				})
			}
		})
	}
}

// approvedOnce calls server s's tool that needs input, added as name, approves it once, and
// checks that it is not held again and is recorded once, ok.
func approvedOnce(t *testing.T, u *testbin.User, s serverKind, name string, modern bool) {
	u.WaitRunning(name)
	cl := connectClient(t, u, name, modern, &elicitName{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	call := mcp.CallToolRequest{}
	call.Params.Name = s.elicitTool
	call.Params.Arguments = map[string]any{}
	type answer struct {
		r   *mcp.CallToolResult
		err error
	}
	done := make(chan answer, 1)
	go func() {
		r, err := cl.CallTool(ctx, call)
		done <- answer{r, err}
	}()
	ap := waitApprovals(t, u, 1)
	u.OK("approve", ap[0].ID)
	// The call ends, or its retry waits for the person again (what must not happen).
	var a answer
	var again []approval
	u.Eventually("the call's answer", func() bool {
		select {
		case a = <-done:
			return true
		default:
		}
		var res struct{ Approvals []approval }
		json.Unmarshal([]byte(u.OK("approvals", "--json")), &res)
		again = res.Approvals
		return len(again) > 0
	})
	if len(again) > 0 {
		t.Fatalf("the retry was held for the person again: %v", again)
	}
	if a.err != nil || !strings.Contains(fmt.Sprint(a.r.Content), s.elicitWant) {
		t.Fatalf("%s: %v, %v", s.elicitTool, a.r, a.err)
	}
	var recs []struct {
		Tool, Outcome string
	}
	u.Eventually("the call in the audit log", func() bool {
		var res struct {
			Records []struct{ Tool, Outcome string }
		}
		json.Unmarshal([]byte(u.OK("audit", "--json", "--server", name, "--last", "0")), &res)
		recs = res.Records
		return len(recs) > 0
	})
	if len(recs) != 1 || recs[0].Tool != s.elicitTool || recs[0].Outcome != "ok" {
		t.Errorf("the audit log has %v; want the one call, ok", recs)
	}
}

type approval struct {
	ID   string `json:"id"`
	Tool string `json:"tool"`
}

// waitApprovals waits until n calls wait for the person, and returns them.
func waitApprovals(t *testing.T, u *testbin.User, n int) []approval {
	t.Helper()
	var ap []approval
	u.Eventually(fmt.Sprintf("%d pending approval(s)", n), func() bool {
		var res struct{ Approvals []approval }
		json.Unmarshal([]byte(u.OK("approvals", "--json")), &res)
		ap = res.Approvals
		return len(ap) == n
	})
	return ap
}

func serverNamed(name string) serverKind {
	for _, s := range servers {
		if s.name == name {
			return s
		}
	}
	panic("no server " + name)
}

// connectClient starts an mcp-go client (legacy pinned to 2025-11-25, or modern at
// 2026-07-28) through `mcptray connect NAME`, started by a stand-in for an AI app, and
// completes its handshake. Its elicitations are answered by e.
func connectClient(t *testing.T, u *testbin.User, name string, modern bool, e *elicitName) *client.Client {
	t.Helper()
	opts := []client.ClientOption{client.WithElicitationHandler(e)}
	if !modern {
		opts = append(opts, client.WithLegacyProtocolOnly())
	}
	c := u.Client(t, name, opts...)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "eras", Version: "1"}
	if !modern {
		req.Params.ProtocolVersion = "2025-11-25"
	}
	res, err := c.Initialize(ctx, req)
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	if want := map[bool]string{false: "2025-11-25", true: "2026-07-28"}[modern]; res.ProtocolVersion != want {
		t.Fatalf("the client settled on %q; want %s", res.ProtocolVersion, want)
	}
	return c
}
