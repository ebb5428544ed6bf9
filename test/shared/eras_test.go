package shared

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcptray/mcptray/internal/testbin"
)

// Both protocol eras: a legacy client (initialize) reaches a server that speaks only
// 2026-07-28 (test/shared/modern, written with mcp-go) through MCP Tray in shared mode.

var modernOnce struct {
	sync.Once
	path string
	err  error
}

// modernServer builds test/shared/modern once per test process.
func modernServer(t *testing.T) string {
	t.Helper()
	modernOnce.Do(func() {
		dir, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			modernOnce.err = err
			return
		}
		modernOnce.path = filepath.Join(testbinDir(t), "modern")
		cmd := exec.Command("go", "build", "-o", modernOnce.path, "./test/shared/modern")
		cmd.Dir = dir
		cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			modernOnce.err = fmt.Errorf("building the modern-only server: %v\n%s", err, out)
		}
	})
	if modernOnce.err != nil {
		t.Fatal(modernOnce.err)
	}
	return modernOnce.path
}

// testbinDir is where the modern server is built: beside the fake server.
func testbinDir(t *testing.T) string { return filepath.Dir(fake) }

func TestALegacyClientUsesAModernOnlyServer(t *testing.T) {
	u := testbin.NewUser(t)
	u.OK("server", "add", "modern", "--mode", "shared", "--", modernServer(t))
	u.OK("policy", "set", "modern", "echo", "allow")
	u.OK("policy", "set", "modern", "greet", "ask")
	u.OK("policy", "set", "modern", "count", "allow")
	u.OK("policy", "set", "modern", "grow", "allow")
	u.Daemon()
	u.WaitRunning("modern")
	b := startRaw(t, u, "modern")
	b.send(t, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"elicitation":{}},"clientInfo":{"name":"legacy","version":"1"}}}`)
	init := b.answer(t, 0)
	res, _ := init["result"].(map[string]any)
	if res == nil || res["protocolVersion"] != "2025-06-18" || fmt.Sprint(res["serverInfo"]) != "map[name:modern version:1.0.0]" {
		t.Fatalf("initialize was answered %v; want the server's identity at the version asked for", init)
	}
	b.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	b.send(t, `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	if l := fmt.Sprint(b.answer(t, 1)["result"]); !strings.Contains(l, "name:echo") || !strings.Contains(l, "name:greet") {
		t.Fatalf("tools/list: %s", l)
	}
	b.send(t, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"über ✓"}}}`)
	if r := fmt.Sprint(b.answer(t, 2)["result"]); !strings.Contains(r, "text:über ✓") {
		t.Fatalf("echo: %s", r)
	}
	// greet needs the person's name: the server's input_required result reaches the legacy
	// client as an elicitation/create request, and the call is approved once, not per retry.
	b.send(t, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"greet","arguments":{}}}`)
	ap := waitApprovals(t, u, 1)
	u.OK("approve", ap[0].ID)
	req := b.request(t, "elicitation/create")
	b.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":%s,"result":{"action":"accept","content":{"name":"Ada"}}}`, req["id"]))
	if r := fmt.Sprint(b.answer(t, 3)["result"]); !strings.Contains(r, "Hello Ada (accept)") {
		t.Fatalf("greet: %s", r)
	}
	if ap := waitApprovals(t, u, 0); len(ap) != 0 {
		t.Errorf("approvals still pending after the retry: %v", ap)
	}
	b.send(t, `{"jsonrpc":"2.0","id":4,"method":"prompts/get","params":{"name":"hello"}}`)
	if r := fmt.Sprint(b.answer(t, 4)["result"]); !strings.Contains(r, "text:hello") {
		t.Errorf("prompts/get: %s", r)
	}
	// The client's own progress token end to end (mcp-go's server sends its progress after
	// the answer, when MCP Tray, like the client, no longer takes it); and a list change,
	// which a modern-only server sends only on a subscriptions/listen stream (MCP Tray's).
	b.send(t, `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"count","arguments":{},"_meta":{"progressToken":"tok"}}}`)
	b.send(t, `{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"grow","arguments":{}}}`)
	seen := map[string]int{}
	deadline := time.After(30 * time.Second)
	for seen["answer 5"] == 0 || seen["answer 6"] == 0 || seen["list changed"] == 0 {
		select {
		case l, ok := <-b.lines:
			if !ok {
				t.Fatalf("the bridge ended; seen %v", seen)
			}
			var m struct {
				ID     json.RawMessage `json:"id"`
				Method string          `json:"method"`
				Params struct {
					ProgressToken any `json:"progressToken"`
				} `json:"params"`
			}
			json.Unmarshal([]byte(l), &m)
			switch {
			case m.Method == "notifications/progress" && m.Params.ProgressToken == "tok":
				seen["progress"]++
			case m.Method == "notifications/tools/list_changed":
				seen["list changed"]++
			case string(m.ID) == "5" && strings.Contains(l, "token tok"):
				seen["answer 5"]++
			case string(m.ID) == "6" && strings.Contains(l, "grew"):
				seen["answer 6"]++
			}
		case <-deadline:
			t.Fatalf("after count and grow the client saw %v; want both answers (count's naming the client's token) and a list change", seen)
		}
	}
}

// elicitName answers every elicitation with the name Grace, and counts them.
type elicitName struct{ asked atomic.Int32 }

func (e *elicitName) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	e.asked.Add(1)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept, Content: map[string]any{"name": "Grace"}}}, nil
}

// A modern client (mcp-go, 2026-07-28: server/discover, multi round-trip results) reaches a
// legacy server (server-everything) through MCP Tray in shared mode: the server's
// elicitation request reaches it as an input_required result, and its retry completes the
// original call.
func TestAModernClientUsesALegacyServer(t *testing.T) {
	u, _ := everythingUser(t, "shared")
	cmd := exec.Command(u.Bin, "connect", "everything")
	cmd.Env = u.Env
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close(); cmd.Process.Kill(); cmd.Wait() })
	e := &elicitName{}
	var seen strings.Builder // everything MCP Tray sent the client
	var seenMu sync.Mutex
	tee := io.TeeReader(out, writerFunc(func(b []byte) (int, error) {
		seenMu.Lock()
		defer seenMu.Unlock()
		return seen.Write(b)
	}))
	c := client.NewClient(transport.NewIO(tee, in, io.NopCloser(strings.NewReader(""))), client.WithElicitationHandler(e))
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "modern", Version: "1"}
	res, err := c.Initialize(ctx, req)
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if res.ProtocolVersion != "2026-07-28" {
		t.Errorf("negotiated %q; want the modern 2026-07-28", res.ProtocolVersion)
	}
	call := mcp.CallToolRequest{}
	call.Params.Name = "echo"
	call.Params.Arguments = map[string]any{"message": "modern"}
	if r, err := c.CallTool(ctx, call); err != nil || !strings.Contains(fmt.Sprint(r.Content), "Echo: modern") {
		t.Fatalf("echo: %v, %v", r, err)
	}
	call.Params.Name = "trigger-elicitation-request"
	call.Params.Arguments = map[string]any{}
	r, err := c.CallTool(ctx, call)
	if err != nil {
		t.Fatalf("trigger-elicitation-request: %v", err)
	}
	if got := fmt.Sprint(r.Content); !strings.Contains(got, "Name: Grace") {
		t.Errorf("trigger-elicitation-request answered %s; want the client's answer in it", got)
	}
	if n := e.asked.Load(); n != 1 {
		t.Errorf("the client was asked %d times; want once", n)
	}
	seenMu.Lock()
	defer seenMu.Unlock()
	asked := false
	for _, l := range strings.Split(strings.TrimSpace(seen.String()), "\n") {
		var m struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
			Result struct {
				ResultType string `json:"resultType"`
			} `json:"result"`
		}
		json.Unmarshal([]byte(l), &m)
		if m.Method != "" && m.ID != nil {
			t.Errorf("the modern client got a server request, which it does not take: %s", l)
		}
		asked = asked || m.Result.ResultType == "input_required"
	}
	if !asked {
		t.Errorf("the modern client was not asked through an input_required result:\n%s", seen.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// Real TypeScript SDK clients (legacy, 2025-11-25) on a modern-only server: each one's
// input requests come back to it alone, and one that cannot answer them is told so.
func TestTypeScriptClientsUseAModernOnlyServer(t *testing.T) {
	needNode(t)
	u := testbin.NewUser(t)
	u.OK("server", "add", "modern", "--mode", "shared", "--", modernServer(t))
	u.OK("policy", "trust", "modern")
	u.Daemon()
	u.WaitRunning("modern")
	res := isolation(t, u, "modern", "greet")
	var tools []string
	var asked []int
	res.get("tools", &tools)
	res.get("asked", &asked)
	if res.str("version") != "modern" || strings.Join(tools, ",") != "count,echo,greet,grow" {
		t.Errorf("server %q with tools %q; want modern with count, echo, greet and grow", res.str("version"), tools)
	}
	if got := res.str("echo"); got != "legacy" {
		t.Errorf("echo: %q", got)
	}
	if got := res.str("greet"); got != "Hello client-0 (accept)" {
		t.Errorf("client-0's greet: %q", got)
	}
	if got := res.str("refused"); !strings.HasPrefix(got, "error") || !strings.Contains(got, "elicitation") {
		t.Errorf("client-1 (no elicitation) got %q from greet; want an error naming what the server needs", got)
	}
	if fmt.Sprint(asked) != "[1 0]" {
		t.Errorf("elicitations per client %v; want [1 0]", asked)
	}
}
