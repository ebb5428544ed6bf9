package reconcile

import (
	"slices"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/config"
)

// TestAllowListGeminiCLI: with mcp.allowed in Gemini's settings, MCP Tray adds its servers to
// the list (Gemini would not load them otherwise); a server the person excluded is not
// claimed as seen, and the person is told why in one sentence.
func TestAllowListGeminiCLI(t *testing.T) {
	w := newClientWorld(t, "gemini-cli")
	path := w.Path("gemini-cli")
	write(t, path, `{"mcp": {"allowed": ["fetch"], "excluded": ["b"]}, "mcpServers": {"fetch": {"command": "uvx", "args": ["mcp-server-fetch"]}}}`)
	cfg := &config.Config{
		Servers: map[string]*config.Server{"a": {Command: "a"}, "b": {Command: "b"}},
		Clients: map[string]*config.ClientBinding{"gemini-cli": {Enabled: true}},
	}
	r := w.reconciler(Options{})
	r.Reconcile(cfg)
	got := read(t, path)
	if !strings.Contains(got, `"allowed": ["fetch", "a", "b"]`) {
		t.Errorf("Gemini's allow-list was not given MCP Tray's servers:\n%s", got)
	}
	st := r.Status(cfg)
	i := slices.IndexFunc(st.Clients, func(c ClientStatus) bool { return c.ID == "gemini-cli" })
	if i < 0 {
		t.Fatalf("no Gemini CLI in %+v", st.Clients)
	}
	g := st.Clients[i]
	if !slices.Equal(g.Sees, []string{"a"}) {
		t.Errorf("client list says Gemini CLI sees %v, want only a (b is excluded)", g.Sees)
	}
	if e := g.Files[0].Error; !strings.Contains(e, `skips "b" because mcp.excluded`) {
		t.Errorf("the file's note is %q, want it to say b is excluded", e)
	}
}
