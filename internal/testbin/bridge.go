package testbin

import (
	"bufio"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
)

// Connect starts `mcptray connect NAME` for a test that speaks JSON-RPC to it by hand: it
// returns the running command, its stdin and a channel of its stdout's lines, closed when the
// output ends. Its stderr goes to this process's. At the end of t the bridge's stdin is
// closed, the process killed and waited for. It fails t if the bridge cannot start.
//
// The bridge is started the way an AI app starts one, by a program of its own: the returned
// command is an AI-app stand-in (AppStandIn) whose child is the bridge, and which exits with
// the bridge's code. The test process then stays what it models, the person's terminal, whose
// approvals MCP Tray takes while the bridge is open; MCP Tray refuses them from the parent of
// a bridge (the AI app) and everything it runs.
func (u *User) Connect(t testing.TB, name string) (cmd *exec.Cmd, stdin io.WriteCloser, lines <-chan string) {
	t.Helper()
	cmd, in, out := u.startBridge(t, name)
	ch := make(chan string, 64)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 128<<20)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	t.Cleanup(func() { in.Close(); cmd.Process.Kill(); cmd.Wait() })
	return cmd, in, ch
}

// Client starts `mcptray connect NAME` as Connect does and returns an mcp-go client (with
// opts) over it, started with t's context, so that the server's own requests (elicitation)
// are answered for as long as the test runs, but not initialized. The client and the bridge
// end with t. It fails t if the bridge cannot start.
func (u *User) Client(t testing.TB, name string, opts ...client.ClientOption) *client.Client {
	t.Helper()
	cmd, in, out := u.startBridge(t, name)
	c := client.NewClient(transport.NewIO(out, in, io.NopCloser(strings.NewReader(""))), opts...)
	t.Cleanup(func() { c.Close(); in.Close(); cmd.Process.Kill(); cmd.Wait() })
	if err := c.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return c
}

// startBridge starts the AI-app stand-in and its bridge (see Connect).
func (u *User) startBridge(t testing.TB, name string) (*exec.Cmd, io.WriteCloser, io.ReadCloser) {
	t.Helper()
	cmd := AppStandIn(u.Bin, "connect", name)
	cmd.Env = u.Env
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, in, out
}

// FreePort returns a port of 127.0.0.1 nothing listens on now, for a server whose port must
// be known before it starts.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// AppStandIn returns a command that plays an AI app starting a program of its own: a Python
// process that runs the program as its child, passing it its stdin and stdout, and exits with
// its code. Not a shell nor a wrapper such as timeout: MCP Tray looks through those to the
// program that ran them (authority.IdentifyBridge), which in a test is the test itself.
func AppStandIn(program string, args ...string) *exec.Cmd {
	const run = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"
	return exec.Command("python3", append([]string{"-c", run, program}, args...)...)
}
