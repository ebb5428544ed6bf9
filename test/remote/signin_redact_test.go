package remote

import (
	"bufio"
	"strings"
	"testing"
	"time"
)

// TestSignInTokensAreScrubbed: the tokens of a remote server's sign-in are scrubbed like the
// secrets a server starts with. A raw client sends the access token as a request id (what a
// prompt-injected agent could put anywhere); the traffic log, which shows ids, names it
// redacted (red team: the daemon never told its redactor and data-loss checks of sign-in
// tokens).
func TestSignInTokensAreScrubbed(t *testing.T) {
	s := newSignInServer(t)
	u := ownUser(t, s, "--transport", "http")
	u.OK("server", "login", "own")
	u.Daemon()
	c := bridge(t, u, "own")
	toolNames(t, c) // the login is loaded, and refreshed: the token is now access-2

	cmd := u.Command("connect", "own")
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(out)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
	answered := make(chan string, 4)
	go func() {
		for lines.Scan() {
			answered <- lines.Text()
		}
		close(answered)
	}()
	wait := func(id string) {
		t.Helper()
		for deadline := time.After(60 * time.Second); ; {
			select {
			case l, ok := <-answered:
				if !ok {
					t.Fatalf("the bridge ended before answering %s", id)
				}
				if strings.Contains(l, `"id":`+id) {
					return
				}
			case <-deadline:
				t.Fatalf("no answer to %s", id)
			}
		}
	}
	in.Write([]byte(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}` + "\n"))
	wait("1")
	in.Write([]byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n" +
		`{"jsonrpc":"2.0","id":"access-2","method":"tools/list"}` + "\n"))
	wait(`"access-2"`)
	in.Close()

	traffic := u.OK("logs", "own", "--traffic")
	if strings.Contains(traffic, "access-2") {
		t.Errorf("the traffic log shows the sign-in's access token:\n%s", traffic)
	}
	if !strings.Contains(traffic, "tools/list") {
		t.Errorf("the traffic log lacks the tools/list:\n%s", traffic)
	}
}
