package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
)

// TestSetupImportAsksAtATerminal imports a setup at a terminal (a real pseudo-terminal):
// MCP Tray asks before changing anything, then asks for each credential with the typing
// hidden (the terminal does not echo it), Enter alone leaves one for later, and the typed
// value lands in the keychain and nowhere else.
func TestSetupImportAsksAtATerminal(t *testing.T) {
	const typed = "ghp_typedAtTheTerminal0123456789abcd"
	keys := keychain.System(keychain.Options{})
	ctx := context.Background()
	forget := func() { keys.Delete(ctx, "ttygh", "GITHUB_TOKEN"); keys.Delete(ctx, "ttygh", "OTHER_KEY") }
	forget()
	t.Cleanup(forget)
	file := filepath.Join(t.TempDir(), "setup.json")
	if err := os.WriteFile(file, []byte(`{"mcptray": 1, "servers": {"ttygh": {"command": "`+fake+`", "secrets": ["GITHUB_TOKEN", "OTHER_KEY"]}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	u := newUser(t)
	out, errs, shown := converse(t, u, []string{"import", file},
		"Import this setup? [y/N]", "y\n",
		"Value for GITHUB_TOKEN (typing is hidden)", typed+"\n",
		"Value for OTHER_KEY (typing is hidden)", "\n")
	testbin.AssertNoSecretsIn(t, []string{typed}, "the output of mcptray import", out+errs)
	if !strings.Contains(out, "ttygh still needs OTHER_KEY") {
		t.Errorf("import says:\n%s", out)
	}
	if v, err := keys.Get(ctx, "ttygh", "GITHUB_TOKEN"); err != nil || v != typed {
		t.Errorf("the typed token is not in the keychain (%v)", err)
	}
	// What the terminal showed: the answer y, never the token.
	if !strings.Contains(shown, "y") || strings.Contains(shown, typed) {
		t.Errorf("the terminal showed %q", shown)
	}
	testbin.AssertNoSecrets(t, []string{typed}, u.Dir)
}

// TestManagerImportAsksAtATerminal takes over Docker's MCP Toolkit at a terminal: the
// credential Docker keeps in its own store is asked for with the typing hidden and goes to
// the keychain.
func TestManagerImportAsksAtATerminal(t *testing.T) {
	const typed = "ghp_dockerTypedAtTheTerminal01234567"
	keys := keychain.System(keychain.Options{})
	ctx := context.Background()
	forget := func() { keys.Delete(ctx, "ttydocker", "GITHUB_PERSONAL_ACCESS_TOKEN") }
	forget()
	t.Cleanup(forget)
	u := newUser(t)
	dir := filepath.Join(u.Dir, ".docker", "mcp")
	for name, content := range map[string]string{
		"registry.yaml":            "registry:\n  ttydocker:\n    ref: \"\"\n",
		"catalogs/docker-mcp.yaml": "registry:\n  ttydocker:\n    type: server\n    image: ghcr.io/github/github-mcp-server:v0.14.0\n    secrets:\n      - name: github.personal_access_token\n        env: GITHUB_PERSONAL_ACCESS_TOKEN\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, errs, shown := converse(t, u, []string{"client", "import", "docker"},
		"Import this server? [y/N]", "y\n",
		"Value for GITHUB_PERSONAL_ACCESS_TOKEN (typing is hidden)", typed+"\n")
	testbin.AssertNoSecretsIn(t, []string{typed}, "the output of mcptray client import docker", out+errs+shown)
	if v, err := keys.Get(ctx, "ttydocker", "GITHUB_PERSONAL_ACCESS_TOKEN"); err != nil || v != typed {
		t.Errorf("the typed token is not in the keychain (%v)\n%s%s", err, out, errs)
	}
	if strings.Contains(out, "still needs") {
		t.Errorf("import says:\n%s", out)
	}
	testbin.AssertNoSecrets(t, []string{typed}, u.Dir)
}

// converse runs mcptray with args at a pseudo-terminal, typing each answer once the prompt
// before it has appeared on standard error. It returns standard output, standard error and
// what the terminal showed (its echo of the typing).
func converse(t *testing.T, u *testbin.User, args []string, steps ...string) (out, errs, shown string) {
	t.Helper()
	tty, keyboard := testbin.Terminal(t)
	cmd := u.Command(args...)
	var stdout strings.Builder
	cmd.Stdin, cmd.Stdout = tty, &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	seen := make(chan string, 64)
	go func() {
		r := bufio.NewReader(stderr)
		var all strings.Builder
		buf := make([]byte, 256)
		for {
			n, err := r.Read(buf)
			all.Write(buf[:n])
			seen <- all.String()
			if err != nil {
				close(seen)
				return
			}
		}
	}()
	last := ""
	for i := 0; i+1 < len(steps); i += 2 {
		deadline := time.After(20 * time.Second)
	wait:
		for {
			select {
			case s, ok := <-seen:
				last = s
				if strings.Contains(s, steps[i]) {
					break wait
				}
				if !ok {
					t.Fatalf("mcptray %s ended without asking %q:\n%s%s", strings.Join(args, " "), steps[i], stdout.String(), s)
				}
			case <-deadline:
				t.Fatalf("mcptray %s did not ask %q:\n%s", strings.Join(args, " "), steps[i], last)
			}
		}
		fmt.Fprint(keyboard, steps[i+1])
	}
	for s := range seen {
		last = s
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("mcptray %s at a terminal: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), last)
	}
	if err := keyboard.SetReadDeadline(time.Now().Add(time.Second)); err != nil {
		t.Fatalf("reading back what the terminal showed: %v", err)
	}
	echo, _ := io.ReadAll(keyboard)
	return stdout.String(), last, string(echo)
}
