//go:build !windows

package gateway

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// stuckServer answers the hub's handshake (server/discover refused, initialize without
// tools) and then never reads its stdin again, as a server wedged in a loop does. It is a
// real process on real pipes, so a write to it blocks once the pipe's buffer is full.
const stuckServer = `
id() { v=${1#*\"id\":}; echo "${v%%,*}"; }
read -r line; echo "{\"jsonrpc\":\"2.0\",\"id\":$(id "$line"),\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}"
read -r line; echo "{\"jsonrpc\":\"2.0\",\"id\":$(id "$line"),\"result\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"serverInfo\":{\"name\":\"stuck\",\"version\":\"1\"}}}"
exec sleep 600
`

// stuck is a running stuckServer.
type stuck struct {
	cmd *exec.Cmd
	up  Upstream
}

func startStuck(t *testing.T) *stuck {
	t.Helper()
	cmd := exec.Command("sh", "-c", stuckServer)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting sh (a POSIX shell is needed): %v", err)
	}
	waited := make(chan struct{})
	go func() { cmd.Wait(); close(waited) }()
	t.Cleanup(func() { cmd.Process.Kill(); <-waited })
	stop := func() error {
		stdin.Close()
		cmd.Process.Signal(syscall.SIGKILL)
		select {
		case <-waited:
			return nil
		case <-time.After(10 * time.Second):
			return errors.New("the server did not exit after SIGKILL")
		}
	}
	return &stuck{cmd: cmd, up: Upstream{Stdin: stdin, Stdout: stdout, Stop: stop}}
}

// serve runs h.Serve on the stuck server; cancel ends its context.
func (s *stuck) serve(h *Hub) (served chan error, cancel context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	served = make(chan error, 1)
	go func() { served <- h.Serve(ctx, s.up) }()
	return served, cancel
}

// stopped cancels Serve and checks that it returns and that the process is gone.
func (s *stuck) stopped(t *testing.T, served chan error, cancel context.CancelFunc) {
	t.Helper()
	cancel()
	select {
	case err := <-served:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Serve returned %v, want context.Canceled", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Serve did not return after its context ended: a write blocked on the stuck server holds up the shutdown")
	}
	if s.cmd.ProcessState == nil || syscall.Kill(s.cmd.Process.Pid, 0) == nil {
		t.Errorf("the stuck server (pid %d) is still there after Serve returned", s.cmd.Process.Pid)
	}
}

func TestHubServeEndsAndStopsAServerThatStoppedReading(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	st := startStuck(t)
	served, cancel := st.serve(h)
	a := join(t, h, &Session{ID: "a"})
	if r := a.initialize("2025-11-25"); r.str("result", "serverInfo", "name") != "stuck" {
		t.Fatalf("initialize: %v", r)
	}
	// Far more than a pipe holds: the hub's write to the server blocks for good.
	a.send(`{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///%s"}}`, strings.Repeat("x", 1<<20))
	waitBlocked(t, h)

	// Another client's request waits behind a's; when that client goes away (its bridge
	// closed), it is let go at once, though what the server is told about it cannot be
	// written yet.
	bctx, bcancel := context.WithCancel(context.Background())
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	b := newPeer(t, inW, outR)
	bdone := make(chan error, 1)
	go func() {
		bdone <- h.Join(bctx, &Session{ID: "b"}, outW, bufio.NewReader(inR))
		outW.Close()
		inR.Close()
	}()
	t.Cleanup(func() { inW.Close() })
	b.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"b","version":"1"}}}`)
	b.next("b's initialize answer", isID("0"))
	b.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{}}}`)
	waitCalls(t, h, 2)
	bcancel()
	select {
	case <-bdone:
	case <-time.After(10 * time.Second):
		t.Fatal("a client that went away was not let go: its leaving waits on the stuck server")
	}

	st.stopped(t, served, cancel)

	// The client is told; the hub takes the next process.
	if r := a.next("an error for the request in flight", isID("1")); !strings.Contains(r.str("error", "message"), "stopped") {
		t.Errorf("got %v", r)
	}
	s := newScript(t)
	s.serve(h)
	a.send(`{"jsonrpc":"2.0","id":"after","method":"ping"}`)
	a.next("pong from the next process", isID("after"))
}

// The hub's own writes in the handshake (here: renewing a client's subscription on the new
// process) block on such a server too; ending Serve's context must still stop it.
func TestHubServeEndsWhenItsHandshakeBlocksOnAServerThatStoppedReading(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s := newScript(t)
	first := s.serve(h)
	a := join(t, h, &Session{ID: "a"})
	a.initialize("2025-11-25")
	a.send(`{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"file:///%s"}}`, strings.Repeat("x", 256<<10))
	sub := s.next("the subscription", isMethod("resources/subscribe"))
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{}}`, sub.str("id"))
	a.next("subscribed", isID("1"))
	s.up.Stop()
	<-first

	st := startStuck(t)
	served, cancel := st.serve(h)
	waitBlocked(t, h)
	st.stopped(t, served, cancel)
}

// waitCalls waits until the hub holds n requests as forwarded.
func waitCalls(t *testing.T, h *Hub, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.mu.Lock()
		got := len(h.calls)
		h.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hub holds %d forwarded requests, want %d", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitBlocked waits until a client's request is being written to the server: the hub holds
// it as forwarded and its writer holds the write lock.
func waitBlocked(t *testing.T, h *Hub) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		h.mu.Lock()
		forwarded, up := len(h.calls) > 0, h.up
		h.mu.Unlock()
		if forwarded && up != nil {
			if !up.mu.TryLock() {
				return
			}
			up.mu.Unlock()
		}
		if time.Now().After(deadline) {
			t.Fatal("the client's request never reached the hub's writer")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
