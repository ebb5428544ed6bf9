package daemon

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"golang.org/x/sys/unix"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/testbin"
)

// stuckServer answers the hub's handshake (server/discover refused, initialize with tools
// but no tool list) and then never reads its stdin again, as a server wedged in a loop does.
const stuckServer = `
id() { v=${1#*\"id\":}; echo "${v%%,*}"; }
read -r line; echo "{\"jsonrpc\":\"2.0\",\"id\":$(id "$line"),\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}"
read -r line; echo "{\"jsonrpc\":\"2.0\",\"id\":$(id "$line"),\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"serverInfo\":{\"name\":\"stuck\",\"version\":\"1\"}}}"
exec sleep 600
`

// A client's write to a shared server that stopped reading blocks; stopping the server,
// restarting it and stopping MCP Tray must still end it.
func TestSharedStopEndsAServerThatStoppedReading(t *testing.T) {
	h := start(t)
	h.add(t, "s", &config.Server{Command: "sh", Args: []string{"-c", stuckServer}, Mode: config.ModeShared, Policy: &config.Policy{Trust: true}})
	pid := sharedPid(t, h, "s", 0)
	c := sharedClient(t, h, "s")
	stuckCall := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req := mcp.CallToolRequest{}
		req.Params.Name = "echo"
		req.Params.Arguments = map[string]any{"text": strings.Repeat("x", 1<<20)} // more than a pipe holds
		c.CallTool(ctx, req)
	}
	go stuckCall()
	waitStuck(t, pid)

	if err := callInto(context.Background(), h.client, api.Restart, api.NameParams{Name: "s"}, nil); err != nil {
		t.Fatal(err)
	}
	testbin.WaitExit(t, "the stuck process ends on restart", pid)
	pid2 := sharedPid(t, h, "s", pid)
	go stuckCall()
	waitStuck(t, pid2)
	if err := callInto(context.Background(), h.client, api.Stop, api.NameParams{Name: "s"}, nil); err != nil {
		t.Fatal(err)
	}
	testbin.WaitExit(t, "the stuck process ends on stop", pid2)

	if err := callInto(context.Background(), h.client, api.Start, api.NameParams{Name: "s"}, nil); err != nil {
		t.Fatal(err)
	}
	pid3 := sharedPid(t, h, "s", pid2)
	go stuckCall()
	waitStuck(t, pid3)
	stopped := make(chan struct{})
	go func() { h.stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(30 * time.Second):
		t.Fatal("MCP Tray did not stop: a write blocked on the stuck server holds up the shutdown")
	}
	if testbin.Alive(pid3) {
		t.Errorf("the stuck server (pid %d) outlived MCP Tray", pid3)
	}
}

// waitStuck waits until the process's stdin pipe is full, so that the hub's write of a
// message larger than the pipe is blocked in it. (TIOCINQ is FIONREAD on Linux.)
func waitStuck(t *testing.T, pid int) {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/fd/0", pid)) // the same pipe; never read from it
	if err != nil {
		t.Fatalf("opening the stuck server's stdin: %v", err)
	}
	defer f.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, err := unix.IoctlGetInt(int(f.Fd()), unix.TIOCINQ)
		if err == nil && n >= 60<<10 { // a pipe holds 64 KiB
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the stuck server's stdin never filled up (%d bytes waiting, %v)", n, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
