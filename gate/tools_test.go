package gate

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/policy"
)

// The gate never passes on a tool list it could not read (nothing in it was pinned or
// hidden), and a member named twice inside one tool blocks that tool, not the rest.
func TestGateToolsFailsClosed(t *testing.T) {
	engine := policy.NewEngine(policy.EngineOptions{})
	g := New(Options{Engine: engine})
	engine.SetRules(map[string]policy.ServerRules{"s": {Tools: map[string]policy.Rule{"secret_tool": policy.RuleDeny}}})
	s := &gateway.Session{ID: "1", Server: "s"}

	nested := `{"tools":[{"name":"secret_tool","inputSchema":{"type":"object"}},` +
		`{"name":"twice","inputSchema":{"type":"object","type":"object"}},` +
		`{"name":"fine","inputSchema":{"type":"object"}}]}`
	out := string(g.Tools(s, json.RawMessage(nested), true))
	if strings.Contains(out, "secret_tool") || strings.Contains(out, `"twice"`) || !strings.Contains(out, `"fine"`) {
		t.Errorf("a list with a member twice inside one tool came out as %s; want only fine", out)
	}
	for _, bad := range []string{`{"tools":[],"tools":[{"name":"secret_tool"}]}`, `[1,2]`} {
		if out := string(g.Tools(s, json.RawMessage(bad), true)); out != `{"tools":[]}` {
			t.Errorf("an unreadable list %s came out as %s; want no tools", bad, out)
		}
	}
}
