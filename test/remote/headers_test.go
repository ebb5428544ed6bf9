package remote

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestStaticCredentials: a header and a query value come from the keychain. One is given on
// the command line as a literal, which MCP Tray moves into the keychain; the other is named
// as secret:KEY and set with mcptray secret set. A gate in front of the server refuses any
// request without both. Neither value is in any file under the home (config, logs, audit).
func TestStaticCredentials(t *testing.T) {
	const apiKey, queryKey = "sk-live-remote-HEADER-7f3a9c2e1b", "qk-remote-QUERY-5d8e2a7c4f"
	port := startExample(t, "simpleStreamableHttp.js", []string{"MCP_PORT=0"})
	backend, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", port))
	proxy := httputil.NewSingleHostReverseProxy(backend)
	var refused int
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != apiKey || r.URL.Query().Get("key") != queryKey {
			refused++
			http.Error(w, "no key", http.StatusUnauthorized)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(gate.Close)

	u := testbin.NewUser(t)
	out := u.OK("server", "add", "keyed", "--url", gate.URL+"/mcp", "--header", "X-Api-Key="+apiKey, "--query", "key=secret:QUERY_KEY")
	if strings.Contains(out, apiKey) {
		t.Fatalf("server add repeats the key: %s", out)
	}
	u.SetSecret("keyed", "QUERY_KEY", queryKey) // from here on no output or file may hold it
	u.SetSecret("keyed", "X_API_KEY", apiKey)   // (set again, the same value, so it is checked too)
	u.OK("policy", "set", "keyed", "greet", "allow")
	u.Daemon()
	u.WaitRunning("keyed")
	c := bridge(t, u, "keyed")
	if names := toolNames(t, c); !slices.Contains(names, "greet") {
		t.Fatalf("tools through the gate: %v (%d refused)", names, refused)
	}
	if text, err := callText(t, c, "greet", map[string]any{"name": "Lin"}); err != nil || !strings.Contains(text, "Lin") {
		t.Fatalf("greet: %q, %v", text, err)
	}
	logs := u.OK("logs", "keyed")
	testbin.AssertNoSecretsIn(t, []string{apiKey, queryKey}, "the server's log", logs)
	if !strings.Contains(logs, "127.0.0.1") {
		t.Errorf("the log does not name the remote host:\n%s", logs)
	}
	// AssertNoSecrets runs over HOME and the MCP Tray home at cleanup (SetSecret).
}
