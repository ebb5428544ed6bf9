package remote

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mcptray/mcptray/internal/fakeregistry"
	"github.com/mcptray/mcptray/internal/testbin"
)

// TestInstallRemoteCatalogEntry: a registry entry with `remotes` (no package) pointing at the
// SDK's streamable HTTP server, behind a gate that wants an X-Api-Key header, is installed
// with `mcptray install ID --yes` through the real binary, the key piped on standard input as
// a script would. config.json gets a remote server whose header names the keychain secret,
// and an AI app lists the server's tools through mcptray connect. The key is in no file.
func TestInstallRemoteCatalogEntry(t *testing.T) {
	const id, apiKey = "io.github.mcptray-test/greeter", "sk-remote-install-E2E-9b7c1d"
	port := startExample(t, "simpleStreamableHttp.js", []string{"MCP_PORT=0"})
	backend, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", port))
	proxy := httputil.NewSingleHostReverseProxy(backend)
	var passed, refused atomic.Int32
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != apiKey || r.Header.Get("X-Region") != "eu" {
			refused.Add(1)
			http.Error(w, "no key", http.StatusUnauthorized)
			return
		}
		passed.Add(1)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(gate.Close)

	reg := fakeregistry.New(t)
	reg.Serve(id, fmt.Sprintf(`{"name":%q,"description":"Greets people, from the internet.","version":"2.1.0",
		"remotes":[{"type":"streamable-http","url":%q,"headers":[
			{"name":"X-Api-Key","description":"Your API key","isRequired":true,"isSecret":true},
			{"name":"X-Region","value":"eu"}]}]}`, id, gate.URL+"/mcp"))

	u := registryUser(t, reg.URL)
	t.Cleanup(func() { testbin.AssertNoSecrets(t, []string{apiKey}, u.Dir, u.Home) })
	u.Daemon()

	// The entry points at this computer: not without the person's yes.
	cmd := u.Command("install", id, "--yes")
	cmd.Stdin = strings.NewReader(apiKey + "\n")
	refusedOut, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(refusedOut), "a program on this computer, not to a server on the internet") ||
		!strings.Contains(string(refusedOut), "--allow remote:this-computer") {
		t.Fatalf("install of an entry on this computer without --allow: %v\n%s", err, refusedOut)
	}
	if raw, _ := os.ReadFile(filepath.Join(u.Home, "config.json")); strings.Contains(string(raw), "greeter") || passed.Load()+refused.Load() != 0 {
		t.Fatalf("the refused install saved or reached the server:\n%s", raw)
	}

	out := installYes(t, u, id, apiKey+"\n", "--allow", "remote:this-computer")
	testbin.AssertNoSecretsIn(t, []string{apiKey}, "the output of mcptray install", out)
	host := fmt.Sprintf("127.0.0.1:%d", gate.Listener.Addr().(*net.TCPAddr).Port)
	for _, want := range []string{"runs on the internet at " + host, "is installed and works"} {
		if !strings.Contains(out, want) {
			t.Errorf("install says no %q:\n%s", want, out)
		}
	}

	var cfg struct {
		Servers map[string]struct {
			Command   string            `json:"command"`
			URL       string            `json:"url"`
			Transport string            `json:"transport"`
			Headers   map[string]string `json:"headers"`
			Secrets   []string          `json:"secrets"`
		} `json:"servers"`
	}
	raw, err := os.ReadFile(filepath.Join(u.Home, "config.json"))
	if err != nil || json.Unmarshal(raw, &cfg) != nil {
		t.Fatalf("config.json: %v\n%s", err, raw)
	}
	s, ok := cfg.Servers["greeter"]
	if !ok || s.Command != "" || s.URL != gate.URL+"/mcp" || s.Transport != "http" ||
		s.Headers["X-Api-Key"] != "${secret:X_API_KEY}" || s.Headers["X-Region"] != "eu" || !slices.Equal(s.Secrets, []string{"X_API_KEY"}) {
		t.Fatalf("config.json's greeter: %+v", s)
	}

	c := bridge(t, u, "greeter")
	if names := toolNames(t, c); !slices.Contains(names, "greet") {
		t.Fatalf("tools through mcptray connect: %v (%d requests refused)", names, refused.Load())
	}
	if passed.Load() == 0 {
		t.Fatal("no request reached the server with its key")
	}
}

// TestInstallRemoteCatalogEntryThatNeedsSignIn: a registry entry for the SDK's OAuth-protected
// server installs: the install ends by saying the server needs a sign-in and how (not as a
// failure), the server stays in "needs sign-in", and after `mcptray server login` an AI app
// lists its tools.
func TestInstallRemoteCatalogEntryThatNeedsSignIn(t *testing.T) {
	if _, err := os.Stat("/usr/bin/curl"); err != nil {
		t.Fatal("this test needs curl as the browser stand-in")
	}
	const id = "io.github.mcptray-test/signed-greeter"
	mcpPort, authPort := testbin.FreePort(t), testbin.FreePort(t)
	startExample(t, "simpleStreamableHttp.js", []string{fmt.Sprintf("MCP_PORT=%d", mcpPort), fmt.Sprintf("MCP_AUTH_PORT=%d", authPort)}, "--oauth")
	reg := fakeregistry.New(t)
	reg.Serve(id, fmt.Sprintf(`{"name":%q,"description":"Greets people who signed in.","version":"1.0.0",
		"remotes":[{"type":"streamable-http","url":"http://localhost:%d/mcp"}]}`, id, mcpPort))
	u := registryUser(t, reg.URL)
	u.Env = append(u.Env, "BROWSER="+browser(t))
	u.Daemon()

	out := installYes(t, u, id, "", "--allow", "remote:this-computer")
	if !strings.Contains(out, "needs you to sign in") || !strings.Contains(out, "mcptray server login signed-greeter") {
		t.Fatalf("install does not say how to sign in:\n%s", out)
	}
	if st := signInState(t, u, "signed-greeter"); !st.NeedsSignIn {
		t.Fatalf("after the install, the server's state: %+v", st)
	}
	if out := u.OK("server", "login", "signed-greeter"); !strings.Contains(out, "Signed in") {
		t.Fatalf("server login: %s", out)
	}
	u.Eventually("MCP Tray uses the sign-in", func() bool { return rawInitialize(t, u, "signed-greeter") == nil })
	if names := toolNames(t, bridge(t, u, "signed-greeter")); !slices.Contains(names, "greet") {
		t.Fatalf("tools after signing in: %v", names)
	}
}

// registryUser is a user whose MCP Tray reads the MCP Registry at registryURL.
func registryUser(t *testing.T, registryURL string) *testbin.User {
	t.Helper()
	u := testbin.NewUser(t)
	if err := os.MkdirAll(u.Home, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`{"servers": {}, "settings": {"registryURL": %q}}`, registryURL)
	if err := os.WriteFile(filepath.Join(u.Home, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return u
}

// installYes runs `mcptray install ID --yes` (with the further arguments args) as a script
// would, stdin piped (the secrets, one per line), and returns its output; it fails the test
// when the install fails.
func installYes(t *testing.T, u *testbin.User, id, stdin string, args ...string) string {
	t.Helper()
	cmd := u.Command(append([]string{"install", id, "--yes"}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mcptray install %s --yes: %v\n%s", id, err, out)
	}
	return string(out)
}
