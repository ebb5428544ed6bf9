package install

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m, nil) }

// newUser is a person with a fresh HOME whose MCP Tray uses registryURL ("off", or a test
// registry's address) and npmCache. MCP Tray is stopped at cleanup if a command started it.
func newUser(t testing.TB, registryURL, npmCache string) *testbin.User {
	t.Helper()
	u := testbin.NewUser(t)
	u.Env = append(u.Env, "npm_config_cache="+npmCache, "npm_config_update_notifier=false", "npm_config_fund=false",
		// AI client files under the temporary HOME only, whatever the harness set.
		"XDG_CONFIG_HOME="+filepath.Join(u.Dir, ".config"), "CLAUDE_CONFIG_DIR=", "CODEX_HOME=", "GEMINI_CLI_HOME=",
		"CLINE_DIR=", "CLINE_DATA_DIR=", "CLINE_MCP_SETTINGS_PATH=", "OPENCODE_CONFIG=", "CONTINUE_GLOBAL_DIR=")
	writeConfig(t, u, fmt.Sprintf(`{"servers": {}, "settings": {"registryURL": %q}}`, registryURL))
	t.Cleanup(func() { stopDaemon(t, u) })
	return u
}

func writeConfig(t testing.TB, u *testbin.User, content string) {
	t.Helper()
	if err := os.MkdirAll(u.Home, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(u.Home, "config.json"), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// ctl talks to the user's MCP Tray directly, as the GUI does.
func ctl(u *testbin.User) *control.Client {
	return &control.Client{Path: config.Home(u.Home).SocketPath()}
}

// stopDaemon stops the MCP Tray a command started in the background (found by asking it for
// its pid) and waits until it and every server process it ran are gone.
func stopDaemon(t testing.TB, u *testbin.User) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ping, err := api.Call(ctx, ctl(u), api.Ping, api.None{})
	if err != nil || ping.Pid <= 0 {
		return
	}
	kids := testbin.Descendants(ping.Pid)
	syscall.Kill(ping.Pid, syscall.SIGTERM)
	deadline := time.Now().Add(30 * time.Second)
	for testbin.Alive(ping.Pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	// Server trees are killed by the stop ladder; MCP Tray's guard process ends right after.
	for _, k := range kids {
		for testbin.Alive(k) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if testbin.Alive(k) {
			t.Errorf("process %d started by MCP Tray outlived it", k)
		}
	}
}

// registry is a local MCP Registry (API v0.1) serving the given server.json documents, one
// version each, with the official registry's wrapping. Close it to simulate going offline.
type registry struct {
	*httptest.Server
	mu    sync.Mutex
	hits  int
	items []json.RawMessage
}

func newRegistry(t testing.TB, servers ...string) *registry {
	r := &registry{}
	for _, s := range servers {
		r.items = append(r.items, json.RawMessage(fmt.Sprintf(
			`{"server": %s, "_meta": {"io.modelcontextprotocol.registry/official": {"status": "active", "isLatest": true}}}`, s)))
	}
	r.Server = httptest.NewServer(r)
	t.Cleanup(r.Close)
	return r
}

func (r *registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.hits++
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	path := req.URL.EscapedPath()
	if path == "/v0.1/servers" {
		search := strings.ToLower(req.URL.Query().Get("search"))
		var page []json.RawMessage
		for _, it := range r.items {
			var doc struct {
				Server struct{ Name string } `json:"server"`
			}
			json.Unmarshal(it, &doc)
			if strings.Contains(strings.ToLower(doc.Server.Name), search) {
				page = append(page, it)
			}
		}
		if page == nil {
			page = []json.RawMessage{}
		}
		json.NewEncoder(w).Encode(map[string]any{"servers": page, "metadata": map[string]any{"count": len(page)}})
		return
	}
	if name, ok := strings.CutPrefix(path, "/v0.1/servers/"); ok {
		if name, ok = strings.CutSuffix(name, "/versions/latest"); ok {
			name, _ = url.PathUnescape(name)
			for _, it := range r.items {
				var doc struct {
					Server struct{ Name string } `json:"server"`
				}
				if json.Unmarshal(it, &doc) == nil && doc.Server.Name == name {
					w.Write(it)
					return
				}
			}
		}
	}
	http.NotFound(w, req)
}
