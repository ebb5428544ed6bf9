package testbin

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"testing"
)

// Connect starts `mcptray connect NAME` for a test that speaks JSON-RPC to it by hand: it
// returns the running command, its stdin and a channel of its stdout's lines, closed when the
// output ends. Its stderr goes to this process's. At the end of t the bridge's stdin is
// closed, the process killed and waited for. It fails t if the bridge cannot start.
//
// The bridge is started the way an AI app starts one, by a program of its own: the returned
// command is an AI-app stand-in (timeout) whose child is the bridge, and which exits with the
// bridge's code. The test process then stays what it models, the person's terminal, whose
// approvals MCP Tray takes while the bridge is open; MCP Tray refuses them from the parent of
// a bridge (the AI app) and everything it runs.
func (u *User) Connect(t testing.TB, name string) (cmd *exec.Cmd, stdin io.WriteCloser, lines <-chan string) {
	t.Helper()
	// Not a shell: MCP Tray looks through a shell to the program that ran it.
	cmd = exec.Command("timeout", "1h", u.Bin, "connect", name)
	cmd.Env = u.Env
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
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
