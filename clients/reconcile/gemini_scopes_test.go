package reconcile

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/keychain"
)

// TestGeminiProjectScope: the servers of a project's own .gemini/settings.json, for the
// projects Gemini CLI knows (its project registry, its trusted folders, its per-project
// folders' .project_root), are named in the import plan with a sentence instead of passed
// over in silence; the project files are left alone, and the user file's servers are
// imported as before.
func TestGeminiProjectScope(t *testing.T) {
	w := newClientWorld(t, "gemini-cli")
	registered := filepath.Join(w.Env.Home, "src", "app")
	trusted := filepath.Join(w.Env.Home, "src", "tools")
	rooted := filepath.Join(w.Env.Home, "src", "rooted")
	unknown := filepath.Join(w.Env.Home, "src", "unknown")
	gemini := filepath.Dir(w.Path("gemini-cli"))
	write(t, filepath.Join(gemini, "projects.json"), fmt.Sprintf(`{"projects": {%q: "app", %q: "home"}}`, registered, w.Env.Home))
	write(t, filepath.Join(gemini, "trustedFolders.json"), fmt.Sprintf(`{%q: "TRUST_FOLDER"}`, trusted))
	write(t, filepath.Join(gemini, "tmp", "rooted", ".project_root"), rooted)
	for dir, server := range map[string]string{registered: "db", trusted: "lint", rooted: "fmt", unknown: "never"} {
		// JSONC, as Gemini CLI reads it.
		write(t, filepath.Join(dir, ".gemini", "settings.json"), fmt.Sprintf("{\n  // the project's\n  \"mcpServers\": {%q: {\"command\": \"node\", \"args\": [\"x.js\"],},},\n}\n", server))
	}
	write(t, w.Path("gemini-cli"), `{"mcpServers": {"mine": {"command": "node", "args": ["mine.js"]}}}`)

	plan, err := PlanImport(ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keychain.NewMemory()}, "gemini-cli")
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Servers) != 1 || plan.Servers[0].Name != "mine" {
		t.Errorf("planned %+v, want only the user file's server", plan.Servers)
	}
	var skipped []string
	for _, s := range plan.Skipped {
		skipped = append(skipped, s.Key+" in "+s.Path+": "+s.Reason)
	}
	for dir, key := range map[string]string{registered: "db", trusted: "lint", rooted: "fmt"} {
		want := fmt.Sprintf("%s in %s: Gemini CLI uses it in the project %s only, from the project's own settings", key, filepath.Join(dir, ".gemini", "settings.json"), dir)
		if !slices.ContainsFunc(skipped, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("the plan's skips are %q, want one starting %q", skipped, want)
		}
	}
	if len(skipped) != 3 {
		t.Errorf("the plan's skips are %q, want the three known projects' servers only", skipped)
	}
}

// TestQwenProjectScope: Qwen Code's project servers (a trusted project's .qwen/settings.json)
// are named in the import plan, as Gemini CLI's are.
func TestQwenProjectScope(t *testing.T) {
	w := newClientWorld(t, "qwen-code")
	project := filepath.Join(w.Env.Home, "src", "app")
	write(t, filepath.Join(filepath.Dir(w.Path("qwen-code")), "trustedFolders.json"), fmt.Sprintf(`{%q: "TRUST_FOLDER"}`, project))
	write(t, filepath.Join(project, ".qwen", "settings.json"), `{"mcpServers": {"db": {"command": "node", "args": ["db.js"]}}}`)
	plan, err := PlanImport(ImportOptions{Home: w.Home, Env: w.Env, Binary: testBinary, Keys: keychain.NewMemory()}, "qwen-code")
	if err != nil {
		t.Fatal(err)
	}
	want := "Qwen Code uses it in the project " + project + " only, from the project's own settings"
	if len(plan.Skipped) != 1 || plan.Skipped[0].Key != "db" || !strings.HasPrefix(plan.Skipped[0].Reason, want) {
		t.Errorf("the plan's skips are %+v, want db with a sentence starting %q", plan.Skipped, want)
	}
}
