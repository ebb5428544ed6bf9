package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/testbin"
)

// sameJSON compares two JSON documents semantically.
func sameJSON(t *testing.T, what string, direct, relayed json.RawMessage) {
	t.Helper()
	var a, b any
	json.Unmarshal(direct, &a)
	json.Unmarshal(relayed, &b)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("%s differs through mcptray connect (-direct +relayed):\n%s", what, diff)
	}
}

func TestEverythingServerThroughConnectMatchesDirect(t *testing.T) {
	bothBridgeModes(t, testEverythingServerThroughConnectMatchesDirect)
}

func testEverythingServerThroughConnectMatchesDirect(t *testing.T, u *testbin.User) {
	needNode(t)
	u.OK("server", "add", "everything", "--", "node", everythingJS, "stdio")
	u.OK("policy", "trust", "everything") // fidelity, not approvals, is under test here
	u.Daemon()
	u.WaitRunning("everything")
	scenario := []string{"everything"}
	direct := tsClient(t, u.Env, scenario, "node", everythingJS, "stdio")
	relayed := tsClient(t, u.Env, scenario, u.Bin, "connect", "everything")
	for key, d := range direct {
		// How many progress notifications arrive before the result depends on the server's
		// timers under load, direct or not; that they arrive at all is checked below.
		if key != "progressNotifications" {
			sameJSON(t, key, d, relayed[key])
		}
	}
	// The scenario really exercised the server-to-client paths.
	var served struct{ Sampling, Elicitation int }
	json.Unmarshal(relayed["served"], &served)
	var progress int
	json.Unmarshal(relayed["progressNotifications"], &progress)
	if served.Sampling == 0 || served.Elicitation == 0 || progress == 0 {
		t.Errorf("through the relay: %d sampling, %d elicitation requests, %d progress notifications; want each > 0",
			served.Sampling, served.Elicitation, progress)
	}
}

func TestFilesystemServerThroughConnectMatchesDirect(t *testing.T) {
	needNode(t)
	u := testbin.NewUser(t)
	docs := filepath.Join(u.Dir, "Documents")
	os.MkdirAll(filepath.Join(docs, "notes"), 0o700)
	os.WriteFile(filepath.Join(docs, "notes", "hello.txt"), []byte("Hello from a real file ✓\n"), 0o600)
	u.OK("server", "add", "files", "--", "node", filesystemJS, docs)
	u.Daemon()
	u.WaitRunning("files")
	for _, sc := range [][]string{
		{"tools"},
		{"call", "read_text_file", fmt.Sprintf(`{"path":%q}`, filepath.Join(docs, "notes", "hello.txt"))},
		{"call", "list_directory", fmt.Sprintf(`{"path":%q}`, docs)},
		{"call", "read_text_file", `{"path":"/etc/passwd"}`}, // refused by the server: same refusal
	} {
		direct := tsClient(t, u.Env, sc, "node", filesystemJS, docs)
		relayed := tsClient(t, u.Env, sc, u.Bin, "connect", "files")
		delete(direct, "startupMs")
		delete(relayed, "startupMs")
		if sc[len(sc)-1] == `{"path":"/etc/passwd"}` {
			// The refusal lists the allowed folders, which the server replaces with the
			// client's roots (file:///tmp) whenever its roots/list answer lands: before or
			// after this call, in either mode. Compare up to the list.
			for _, res := range []map[string]json.RawMessage{direct, relayed} {
				if i := bytes.Index(res["result"], []byte(" not in ")); i >= 0 {
					res["result"] = append(res["result"][:i:i], []byte(`"}],"isError":true}`)...)
				}
			}
		}
		for key, d := range direct {
			sameJSON(t, strings.Join(sc, " ")+": "+key, d, relayed[key])
		}
	}
}

// bridge starts `mcptray connect NAME` and returns an mcp-go client over its pipes.
func bridge(t testing.TB, u *testbin.User, name string) (*client.Client, *exec.Cmd) {
	t.Helper()
	cmd := u.Command("connect", name)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := client.NewClient(transport.NewIO(stdout, stdin, io.NopCloser(strings.NewReader(""))))
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	return c, cmd
}

// direct starts the fake server directly, as a client would without MCP Tray.
// trustedFake adds the fake server, trusted (relay mechanics, not approvals, are under test),
// starts the daemon and waits until the server runs; it returns the daemon's process.
func trustedFake(u *testbin.User) *exec.Cmd {
	u.T.Helper()
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake")
	d := u.Daemon()
	u.WaitRunning("fake")
	return d
}

func direct(t testing.TB, args ...string) *client.Client {
	t.Helper()
	c, err := client.NewStdioMCPClient(fake, nil, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func initialize(t testing.TB, c *client.Client, version string) *mcp.InitializeResult {
	t.Helper()
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = version
	req.Params.ClientInfo = mcp.Implementation{Name: "e2e", Version: "1"}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := c.Initialize(ctx, req)
	if err != nil {
		t.Fatalf("initialize (%q): %v", version, err)
	}
	return res
}

func TestMCPGoClientBothProtocolGenerations(t *testing.T) {
	u := testbin.NewUser(t)
	trustedFake(u)
	for _, version := range []string{"2025-06-18", ""} { // "" lets mcp-go probe server/discover first
		name := version
		if name == "" {
			name = "server/discover"
		}
		t.Run(name, func(t *testing.T) {
			d := direct(t)
			dres := initialize(t, d, version)
			r, _ := bridge(t, u, "fake")
			rres := initialize(t, r, version)
			if dres.ProtocolVersion != rres.ProtocolVersion {
				t.Fatalf("negotiated %s directly but %s through the relay", dres.ProtocolVersion, rres.ProtocolVersion)
			}
			if version == "" && rres.ProtocolVersion < "2026-07-28" {
				t.Fatalf("the stateless handshake was not used (negotiated %s)", rres.ProtocolVersion)
			}
			ctx := context.Background()
			dt, err := d.ListTools(ctx, mcp.ListToolsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			rt, err := r.ListTools(ctx, mcp.ListToolsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(toJSON(dt.Tools), toJSON(rt.Tools)); diff != "" {
				t.Errorf("tool lists differ (-direct +relayed):\n%s", diff)
			}
			call := mcp.CallToolRequest{}
			call.Params.Name = "echo"
			call.Params.Arguments = map[string]any{"text": "über ✓"}
			res, err := r.CallTool(ctx, call)
			if err != nil || res.IsError || res.Content[0].(mcp.TextContent).Text != "über ✓" {
				t.Fatalf("echo through the relay: %+v, %v", res, err)
			}
		})
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// rawBridge starts `mcptray connect NAME` for tests that speak JSON-RPC by hand.
type rawBridge struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	lines <-chan string
}

func startRaw(t testing.TB, u *testbin.User, name string) *rawBridge {
	t.Helper()
	cmd, in, lines := u.Connect(t, name)
	return &rawBridge{cmd: cmd, in: in, lines: lines}
}

func (b *rawBridge) send(t testing.TB, line string) {
	t.Helper()
	if _, err := io.WriteString(b.in, line+"\n"); err != nil {
		t.Fatal(err)
	}
}

func (b *rawBridge) recv(t testing.TB) map[string]any {
	t.Helper()
	select {
	case l, ok := <-b.lines:
		if !ok {
			t.Fatal("the bridge closed its output")
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("the bridge wrote something that is not JSON: %q", l)
		}
		return m
	case <-time.After(20 * time.Second):
		t.Fatal("no message from the bridge within 20s")
	}
	return nil
}

const initLine = `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

func errorMessage(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

func TestMalformedAndOversizedMessagesDoNotEndTheSession(t *testing.T) {
	bothBridgeModes(t, testMalformedAndOversizedMessagesDoNotEndTheSession)
}

func testMalformedAndOversizedMessagesDoNotEndTheSession(t *testing.T, u *testbin.User) {
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake") // relay mechanics, not approvals, are under test
	u.OK("server", "add", "raw", "--", fake, "-raw")
	u.Daemon()
	u.WaitRunning("fake")
	u.WaitRunning("raw")
	b := startRaw(t, u, "fake")
	b.send(t, initLine)
	b.recv(t)
	b.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)

	t.Log("garbage")
	b.send(t, `this is not json`)
	if m := b.recv(t); !strings.Contains(errorMessage(m), "not valid JSON") {
		t.Errorf("garbage got %v", m)
	}
	// The server writes a non-JSON line to stdout: dropped, the answer still arrives.
	b.send(t, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"noisy","arguments":{}}}`)
	if m := b.recv(t); m["id"] != float64(1) || m["result"] == nil {
		t.Errorf("after stdout noise got %v", m)
	}
	// 50 MB passes; the answer comes back whole.
	t.Log("50 MB")
	// 50 MB each way passes through whole (the raw echo server answers with the params).
	raw := startRaw(t, u, "raw")
	big := strings.Repeat("x", 50<<20)
	raw.send(t, `{"jsonrpc":"2.0","id":2,"method":"echo/raw","params":{"text":"`+big+`"}}`)
	if m := raw.recv(t); m["id"] != float64(2) || len(m["result"].(map[string]any)["text"].(string)) != 50<<20 {
		t.Fatalf("the 50 MB message did not come back whole: %.200v", m)
	}
	t.Log("70 MB")
	huge := strings.Repeat("y", 70<<20)
	b.send(t, `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"echo","arguments":{"text":"`+huge+`"}}}`)
	if m := b.recv(t); m["id"] != float64(3) || !strings.Contains(errorMessage(m), "more than MCP Tray passes on") {
		t.Errorf("oversized request got %.300v", m)
	}
	b.send(t, `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"echo","arguments":{"text":"alive"}}}`)
	if m := b.recv(t); m["id"] != float64(4) || m["result"] == nil {
		t.Errorf("the session did not survive: %v", m)
	}
	if !strings.Contains(u.OK("logs", "fake"), "not JSON-RPC, and MCP Tray dropped it") {
		t.Error("the dropped stdout line was not noted in the server's log")
	}
}

func TestUnknownOrDisabledServerIsAnsweredWithASentence(t *testing.T) {
	u := testbin.NewUser(t)
	u.OK("server", "add", "off", "--", fake)
	u.OK("server", "disable", "off")
	u.Daemon()
	for name, want := range map[string]string{"nope": `There is no server named "nope"`, "off": `The server "off" is turned off`} {
		b := startRaw(t, u, name)
		// A client that takes its time before its first request (the daemon has refused
		// the connection by then) still gets the answer.
		time.Sleep(300 * time.Millisecond)
		b.send(t, initLine)
		if m := b.recv(t); !strings.Contains(errorMessage(m), want) {
			t.Errorf("%s: got %v, want %q", name, m, want)
		}
		if err := b.cmd.Wait(); err == nil {
			t.Errorf("%s: the bridge exited 0 after refusing", name)
		}
	}
}

func TestBridgeStartsTheDaemonWhenNeeded(t *testing.T) {
	u := testbin.NewUser(t)
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake") // relay mechanics, not approvals, are under test
	b := startRaw(t, u, "fake")     // no daemon yet
	b.send(t, initLine)
	if m := b.recv(t); m["result"] == nil {
		t.Fatalf("first answer after auto-start: %v", m)
	}
	t.Cleanup(func() {
		pid := ping(t, u).Pid
		syscall.Kill(pid, syscall.SIGTERM)
		testbin.WaitExit(t, "the auto-started daemon stops", pid)
	})
	if running, _ := u.List(); !running {
		t.Fatal("the daemon is not running after the bridge started it")
	}
}

// ping asks u's running daemon who it is.
func ping(t testing.TB, u *testbin.User) api.PingResult {
	t.Helper()
	c := &control.Client{Path: config.Home(u.Home).SocketPath()}
	res, err := api.Call(context.Background(), c, api.Ping, api.None{})
	if err != nil {
		t.Fatalf("ping: %v", err)
	}
	return res
}

func TestServerKilledMidCall(t *testing.T) { bothBridgeModes(t, testServerKilledMidCall) }

func testServerKilledMidCall(t *testing.T, u *testbin.User) {
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake") // relay mechanics, not approvals, are under test
	u.Daemon()
	spare := u.WaitSpare("fake").Pid // this process will serve the next connection
	b := startRaw(t, u, "fake")
	b.send(t, initLine)
	b.recv(t)
	b.send(t, `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow","arguments":{"ms":60000}}}`)
	// In flight means at the server: a session exists as soon as the bridge connects, before
	// the relay has written the call on.
	u.Eventually("the call reached the server", func() bool {
		out, _, _ := u.Run("logs", "fake")
		return strings.Contains(out, "slow: started")
	})
	syscall.Kill(spare, syscall.SIGKILL)
	m := b.recv(t)
	if m["id"] != float64(7) || !strings.Contains(errorMessage(m), "stopped while handling this request") {
		t.Fatalf("in-flight call got %v", m)
	}
	done := make(chan error, 1)
	go func() { done <- b.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the bridge did not end after its server died")
	}
	// The next connection gets a fresh process.
	b2 := startRaw(t, u, "fake")
	b2.send(t, initLine)
	if m := b2.recv(t); m["result"] == nil {
		t.Fatalf("next connection: %v", m)
	}
}

func TestDaemonKilledMidCallLeavesNothing(t *testing.T) {
	bothBridgeModes(t, testDaemonKilledMidCallLeavesNothing)
}

func testDaemonKilledMidCallLeavesNothing(t *testing.T, u *testbin.User) {
	u.OK("server", "add", "fake", "--", fake, "-ignore-term")
	u.OK("policy", "trust", "fake") // relay mechanics, not approvals, are under test
	d := u.Daemon()
	spare := u.WaitSpare("fake").Pid
	b := startRaw(t, u, "fake")
	b.send(t, initLine)
	b.recv(t)
	next := u.WaitServer("fake", "a new spare runs", func(s testbin.ServerEvent) bool { return s.Pid != 0 && s.Pid != spare }).Pid
	b.send(t, `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow","arguments":{"ms":60000}}}`)
	d.Process.Kill()
	done := make(chan error, 1)
	go func() { done <- b.cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Error("the bridge exited 0 although MCP Tray died under it")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the bridge did not end after the daemon died")
	}
	testbin.WaitExit(t, "no server process outlives the daemon", spare, next)
}

func TestHundredConcurrentSessions(t *testing.T) {
	u := testbin.NewUser(t)
	trustedFake(u)
	const n = 100
	var wg sync.WaitGroup
	errs := make(chan error, n)
	clients := make([]*client.Client, n)
	for i := range n {
		wg.Go(func() {
			c, _ := bridge(t, u, "fake")
			clients[i] = c
			initialize(t, c, "2025-06-18")
			call := mcp.CallToolRequest{}
			call.Params.Name = "echo"
			call.Params.Arguments = map[string]any{"text": fmt.Sprint("client ", i)}
			res, err := c.CallTool(context.Background(), call)
			if err != nil {
				errs <- err
				return
			}
			if got := res.Content[0].(mcp.TextContent).Text; got != fmt.Sprint("client ", i) {
				errs <- fmt.Errorf("client %d got %q", i, got)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s := u.State("fake").Sessions; s != n {
		t.Errorf("%d sessions while %d clients are connected", s, n)
	}
	for _, c := range clients {
		c.Close()
	}
	u.WaitServer("fake", "every session ends", func(s testbin.ServerEvent) bool { return s.Sessions == 0 })
}

func TestThousandConnectCyclesLeakNothing(t *testing.T) {
	u := testbin.NewUser(t)
	d := trustedFake(u)
	measure := func() (fds, goroutines, children int) {
		entries, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", d.Process.Pid))
		return len(entries), ping(t, u).Goroutines, len(testbin.Descendants(d.Process.Pid))
	}
	// Warm up, then take the baseline.
	cycle := func() {
		b := startRaw(t, u, "fake")
		b.send(t, initLine)
		b.recv(t)
		b.in.Close()
		b.cmd.Wait()
	}
	for range 5 {
		cycle()
	}
	u.WaitServer("fake", "sessions drain", func(s testbin.ServerEvent) bool { return s.Sessions == 0 })
	fd0, g0, c0 := measure()
	for range 1000 {
		cycle()
	}
	described, late := false, time.Now().Add(15*time.Second)
	u.Eventually("no leak after 1000 connect/disconnect cycles", func() bool {
		fd, g, c := measure()
		if fd > fd0 || g > g0+2 || c > c0 {
			t.Logf("fds %d (was %d), goroutines %d (was %d), child processes %d (was %d)", fd, fd0, g, g0, c, c0)
			if !described && time.Now().After(late) {
				described = true
				describeDaemon(t, u, d.Process.Pid) // seen once in CI45: one more child and three more descriptors
			}
			return false
		}
		return true
	})
}

// describeDaemon logs what a leak test needs to find its cause: the daemon's children (command
// line and state), its servers as it reports them, and where its descriptors lead.
func describeDaemon(t *testing.T, u *testbin.User, pid int) {
	t.Helper()
	for _, child := range testbin.Descendants(pid) {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", child))
		stat, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", child))
		t.Logf("child %d: %q %s", child, bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}), stat)
	}
	out, errs, _ := u.Run("server", "list", "--json")
	t.Logf("servers: %s%s", out, errs)
	fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	for _, fd := range fds {
		target, _ := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		t.Logf("fd %s -> %s", fd.Name(), target)
	}
}

// bothBridgeModes runs a test with the bridge handing its stdio to the daemon (the default
// on Unix) and with the bridge copying bytes (Windows, terminals).
func bothBridgeModes(t *testing.T, test func(*testing.T, *testbin.User)) {
	for _, mode := range []string{"passing", "copying"} {
		t.Run(mode, func(t *testing.T) {
			u := testbin.NewUser(t)
			if mode == "copying" {
				u.Env = append(u.Env, "MCPTRAY_BRIDGE_COPY=1")
			}
			test(t, u)
		})
	}
}

func TestTrafficLogShowsMessagesNotContents(t *testing.T) {
	u := testbin.NewUser(t)
	trustedFake(u)
	b := startRaw(t, u, "fake")
	b.send(t, initLine)
	b.recv(t)
	b.send(t, `{"jsonrpc":"2.0","id":4,"method":"tools/list"}`)
	b.recv(t)
	b.send(t, `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{"text":"private words"}}}`)
	b.recv(t)
	out := u.OK("logs", "fake", "--traffic")
	for _, want := range []string{"client→server", "server→client", "initialize", "tools/call id=5", "after "} {
		if !strings.Contains(out, want) {
			t.Errorf("traffic log lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "private words") {
		t.Errorf("the traffic log shows message contents:\n%s", out)
	}
}
