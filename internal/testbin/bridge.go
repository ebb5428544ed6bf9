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
func (u *User) Connect(t testing.TB, name string) (cmd *exec.Cmd, stdin io.WriteCloser, lines <-chan string) {
	t.Helper()
	cmd = u.Command("connect", name)
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
