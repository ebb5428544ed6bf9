package remote

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestStreamableHTTP: the SDK's streamable HTTP server (session mode, SSE answers) is added
// by URL; an AI app lists and calls its tools through mcptray connect, in session and shared
// mode.
func TestStreamableHTTP(t *testing.T) {
	for _, mode := range []string{"session", "shared"} {
		t.Run(mode, func(t *testing.T) {
			port := startExample(t, "simpleStreamableHttp.js", []string{"MCP_PORT=0"})
			u := testbin.NewUser(t)
			out := u.OK("server", "add", "web", "--url", fmt.Sprintf("http://127.0.0.1:%d/mcp", port), "--mode", mode)
			if !strings.Contains(out, "127.0.0.1") {
				t.Errorf("server add says %q, not the host", out)
			}
			u.Daemon()
			u.WaitRunning("web")
			c := bridge(t, u, "web")
			if names := toolNames(t, c); !slices.Contains(names, "greet") {
				t.Fatalf("tools through the relay: %v", names)
			}
			// An ask rule holds the call until the person approves, as for a local server.
			text, err := approvedCall(t, u, c, "greet", map[string]any{"name": "Ada"})
			if err != nil || !strings.Contains(text, "Ada") {
				t.Fatalf("greet: %q, %v", text, err)
			}
			// The audit names where the call went: the remote host.
			host := fmt.Sprintf("127.0.0.1:%d", port)
			if audit := u.OK("audit"); !strings.Contains(audit, "web/greet at "+host) {
				t.Errorf("the audit does not record the call to %s:\n%s", host, audit)
			}
			var audit struct{ Records []struct{ Tool, Host string } }
			if err := json.Unmarshal([]byte(u.OK("audit", "--json")), &audit); err != nil || len(audit.Records) == 0 {
				t.Fatalf("audit --json: %+v, %v", audit, err)
			}
			if r := audit.Records[len(audit.Records)-1]; r.Tool != "greet" || r.Host != host {
				t.Errorf("the audit record of the call: %+v, want host %s", r, host)
			}
		})
	}
}

// TestJSONResponseServer: a streamable HTTP server that answers with plain JSON.
func TestJSONResponseServer(t *testing.T) {
	port := startExample(t, "jsonResponseStreamableHttp.js", nil)
	u := testbin.NewUser(t)
	u.OK("server", "add", "json", "--url", fmt.Sprintf("http://localhost:%d/mcp", port), "--transport", "http")
	u.OK("policy", "set", "json", "greet", "allow")
	u.Daemon()
	u.WaitRunning("json")
	c := bridge(t, u, "json")
	text, err := callText(t, c, "greet", map[string]any{"name": "Grace"})
	if err != nil || !strings.Contains(text, "Grace") {
		t.Fatalf("greet: %q, %v", text, err)
	}
	// The TypeScript SDK's client, through the same bridge.
	out, stderr := testbin.NodeClient(t, u.Env, "call", "greet", `{"name":"Hopper"}`, "--", u.Bin, "connect", "json")
	if !strings.Contains(string(out), "Hopper") {
		t.Fatalf("the TypeScript client's call: %s\n%s", out, stderr)
	}
}

// TestSSEServer: the older HTTP+SSE transport, detected from the server's refusal of a POST,
// and named with --transport sse.
func TestSSEServer(t *testing.T) {
	for _, transport := range []string{"", "sse"} {
		t.Run("transport="+transport, func(t *testing.T) {
			port := startExample(t, "simpleSseServer.js", nil)
			u := testbin.NewUser(t)
			args := []string{"server", "add", "old", "--url", fmt.Sprintf("http://127.0.0.1:%d/mcp", port)}
			if transport != "" {
				args = append(args, "--transport", transport)
			}
			u.OK(args...)
			u.Daemon()
			u.WaitRunning("old")
			c := bridge(t, u, "old")
			if names := toolNames(t, c); len(names) == 0 {
				t.Fatal("no tools through the relay")
			}
		})
	}
}
