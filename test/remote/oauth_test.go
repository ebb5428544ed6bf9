package remote

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/remote"
)

// browser writes a $BROWSER that follows the authorization page's redirects, as a person
// would by signing in: the SDK's demo sign-in service redirects back at once.
func browser(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "browser.sh")
	script := "#!/bin/sh\nexec curl -sS -L --max-redirs 5 -o /dev/null \"$1\"\n"
	if err := os.WriteFile(p, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOAuthSignIn: the SDK's OAuth-protected server (its demo sign-in service registers
// clients dynamically). Before signing in, an AI app is told to sign in; `mcptray server
// login` completes through $BROWSER; tools list and calls work through mcptray connect; the
// token is in no file under the home and in no log; a restarted MCP Tray uses the keychain's
// login; when the sign-in service forgets every token (revoked), the AI app is told to sign
// in again, and MCP Tray keeps running.
func TestOAuthSignIn(t *testing.T) {
	if _, err := os.Stat("/usr/bin/curl"); err != nil {
		t.Fatal("this test needs curl as the browser stand-in")
	}
	mcpPort, authPort := testbin.FreePort(t), testbin.FreePort(t)
	env := []string{fmt.Sprintf("MCP_PORT=%d", mcpPort), fmt.Sprintf("MCP_AUTH_PORT=%d", authPort)}
	stopServer := startExampleStoppable(t, "simpleStreamableHttp.js", env, "--oauth")
	u := testbin.NewUser(t)
	u.Env = append(u.Env, "BROWSER="+browser(t))
	addr := fmt.Sprintf("http://localhost:%d/mcp", mcpPort)
	u.OK("server", "add", "signed", "--url", addr)
	u.OK("policy", "set", "signed", "greet", "allow")
	d := u.Daemon()

	if err := rawInitialize(t, u, "signed"); err == nil || !strings.Contains(err.Error(), "sign in") {
		t.Fatalf("before signing in, initialize: %v", err)
	}
	if st := signInState(t, u, "signed"); !st.NeedsSignIn || !strings.Contains(st.Error, "server login signed") {
		t.Fatalf("before signing in, the server's state: %+v", st)
	}

	out := u.OK("server", "login", "signed")
	if !strings.Contains(out, "Signed in") {
		t.Fatalf("server login: %s", out)
	}
	issuer := fmt.Sprintf("http://localhost:%d/", authPort)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	login, err := remote.LoadLogin(ctx, keychain.System(keychain.Options{}), issuer, remote.ResourceOf(addr))
	if err != nil {
		cfg, _ := os.ReadFile(filepath.Join(u.Home, "config.json"))
		t.Fatalf("the login is not in the keychain under %s: %v\n%s", issuer, err, cfg)
	}
	t.Cleanup(func() { testbin.AssertNoSecrets(t, []string{login.AccessToken}, u.Dir, u.Home) })

	greet := func(what string) {
		t.Helper()
		c := bridge(t, u, "signed")
		if names := toolNames(t, c); !slices.Contains(names, "greet") {
			t.Fatalf("%s: tools %v", what, names)
		}
		if text, err := callText(t, c, "greet", map[string]any{"name": "Kay"}); err != nil || !strings.Contains(text, "Kay") {
			t.Fatalf("%s: greet %q, %v", what, text, err)
		}
	}
	// MCP Tray takes the sign-in once it has read config.json again; no event says so.
	u.Eventually("MCP Tray uses the sign-in", func() bool { return rawInitialize(t, u, "signed") == nil })
	greet("signed in")
	if st := signInState(t, u, "signed"); st.NeedsSignIn || st.Error != "" {
		t.Fatalf("after signing in, the server's state: %+v", st)
	}
	testbin.AssertNoSecretsIn(t, []string{login.AccessToken}, "the server's log", u.OK("logs", "signed"))

	// A restarted MCP Tray uses the login in the keychain.
	d.Process.Signal(syscall.SIGTERM)
	d.Wait()
	u.Daemon()
	greet("after a restart")

	// The sign-in service goes away: the AI app gets a sentence, MCP Tray keeps running.
	// (The SDK's demo answers an unknown token with 500, not 401, so a revoked login is
	// tested against a server of the test's own: TestLoginRefreshAndRevoke.)
	stopServer()
	if err := rawInitialize(t, u, "signed"); err == nil || !strings.Contains(err.Error(), "could not reach") {
		t.Fatalf("with the server gone, initialize: %v", err)
	}
	if _, _, code := u.Run("server", "status"); code != 0 {
		t.Fatal("MCP Tray stopped answering")
	}
}

type signInStatus struct {
	NeedsSignIn bool   `json:"needsSignIn"`
	Error       string `json:"error"`
}

// signInState is the server's sign-in state as `server list --json` shows it.
func signInState(t *testing.T, u *testbin.User, name string) signInStatus {
	t.Helper()
	var l struct {
		Servers []struct {
			Name   string       `json:"name"`
			Status signInStatus `json:"status"`
		} `json:"servers"`
	}
	if err := json.Unmarshal([]byte(u.OK("server", "list", "--json")), &l); err != nil {
		t.Fatal(err)
	}
	for _, s := range l.Servers {
		if s.Name == name {
			return s.Status
		}
	}
	t.Fatalf("no server %s in server list", name)
	return signInStatus{}
}
