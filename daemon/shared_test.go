package daemon

import (
	"context"
	"io"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/testbin"
)

// sharedClient connects an mcp-go client to a server through the daemon, as the bridge does,
// with the legacy handshake.
func sharedClient(t *testing.T, h *harness, server string) *client.Client {
	c, _ := sharedClientAt(t, h, server, "2025-06-18")
	return c
}

// sharedClientAt connects with the given protocol version; "" lets mcp-go probe
// server/discover first. It returns the negotiated version.
func sharedClientAt(t *testing.T, h *harness, server, version string) (*client.Client, string) {
	t.Helper()
	conn, r, err := h.client.Connect(context.Background(), server, "test")
	if err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(transport.NewIO(r, conn, io.NopCloser(strings.NewReader(""))))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = version
	req.Params.ClientInfo = mcp.Implementation{Name: "test", Version: "1"}
	res, err := c.Initialize(ctx, req)
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	t.Cleanup(func() { c.Close(); conn.Close() })
	return c, res.ProtocolVersion
}

func TestSharedServerSpeaksEachClientsProtocolGeneration(t *testing.T) {
	h := start(t)
	h.add(t, "f", &config.Server{Command: fake, Mode: config.ModeShared, Policy: &config.Policy{Trust: true}})
	sharedPid(t, h, "f", 0)
	for _, tc := range []struct{ asks, want string }{
		{"", "2026-07-28"}, // server/discover, the stateless protocol
		{"2025-06-18", "2025-06-18"},
		{"2024-11-05", "2024-11-05"},
	} {
		c, got := sharedClientAt(t, h, "f", tc.asks)
		if got != tc.want {
			t.Errorf("asking for %q: negotiated %q, want %q", tc.asks, got, tc.want)
		}
		if out, err := echo(c, "über ✓"); err != nil || out != "über ✓" {
			t.Errorf("at %s: echo gave %q, %v", got, out, err)
		}
	}
}

func echo(c *client.Client, text string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = "echo"
	req.Params.Arguments = map[string]any{"text": text}
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return "", err
	}
	if len(res.Content) == 0 {
		return "", nil
	}
	tc, _ := res.Content[0].(mcp.TextContent)
	return tc.Text, nil
}

// sharedPid waits until the shared server runs a process other than not, and returns its pid.
func sharedPid(t *testing.T, h *harness, name string, not int) int {
	t.Helper()
	var pid int
	h.waitFor(t, name+"'s shared process", func(st StatusResult) bool {
		s, _ := find(st, name)
		pid = s.Pid
		return s.Pid != 0 && s.Pid != not && testbin.Alive(s.Pid)
	})
	return pid
}

func TestSharedServerLifecycle(t *testing.T) {
	h := start(t)
	h.add(t, "f", &config.Server{Command: fake, Mode: config.ModeShared, Policy: &config.Policy{Trust: true}})
	pid := sharedPid(t, h, "f", 0)
	a, b := sharedClient(t, h, "f"), sharedClient(t, h, "f")
	var wg sync.WaitGroup
	for i, c := range []*client.Client{a, b} {
		wg.Go(func() {
			for k := range 50 {
				want := strings.Repeat("x", i) + string(rune('a'+k%26))
				if got, err := echo(c, want); err != nil || got != want {
					t.Errorf("client %d: echo %q gave %q, %v", i, want, got, err)
				}
			}
		})
	}
	wg.Wait()
	if st := h.waitFor(t, "status", func(StatusResult) bool { return true }); func() bool { s, _ := find(st, "f"); return s.Sessions != 1 || s.Pid != pid }() {
		t.Errorf("status %+v; want the one shared process (pid %d) serving both clients", st, pid)
	}

	// A crash: a new process, the clients carry on without a new handshake.
	syscall.Kill(pid, syscall.SIGKILL)
	pid2 := sharedPid(t, h, "f", pid)
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, err := echo(a, "after the crash")
		if err == nil && got == "after the crash" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the crash: %q, %v", got, err)
		}
	}

	// Stopped: no process, and the clients are told why.
	if err := h.client.Call(context.Background(), "stop", NameParams{Name: "f"}, nil); err != nil {
		t.Fatal(err)
	}
	h.waitFor(t, "the shared process to end", func(StatusResult) bool { return !testbin.Alive(pid2) })
	if _, err := echo(b, "while stopped"); err == nil || !strings.Contains(err.Error(), "stopped") {
		t.Errorf("a call while the server is stopped: %v; want a sentence saying it is stopped", err)
	}
	if err := h.client.Call(context.Background(), "start", NameParams{Name: "f"}, nil); err != nil {
		t.Fatal(err)
	}
	sharedPid(t, h, "f", pid2)
	if got, err := echo(b, "started again"); err != nil || got != "started again" {
		t.Errorf("after start: %q, %v", got, err)
	}

	// Back to session mode: the shared process ends and its clients are let go.
	pid3 := sharedPid(t, h, "f", 0)
	if err := h.home.Update(func(c *config.Config) error { c.Servers["f"].Mode = config.ModeSession; return nil }); err != nil {
		t.Fatal(err)
	}
	h.waitFor(t, "the shared process to end", func(StatusResult) bool { return !testbin.Alive(pid3) })
	if _, err := echo(a, "after the switch"); err == nil {
		t.Error("a client of the shared process still got answers after the switch to session mode")
	}
}
