package clients

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestClaudeCodeLocalScopeImport: a server added with Claude Code's own `claude mcp add`
// (local scope, its default: the project's part of ~/.claude.json) is imported for that
// project, and Claude Code's own `claude mcp list` there then shows it connected through
// MCP Tray; in another folder Claude Code still does not have it. A project-scope server
// (`--scope project`, the project's .mcp.json) is named in the dry run with a sentence and
// its file left alone. Before, both were passed over in silence. Claude Code's file holds a
// machine ID that reads like a credential, which the backup keeps in the keychain: run it
// under keychain/run-with-secret-service.sh, as `make test` does.
func TestClaudeCodeLocalScopeImport(t *testing.T) {
	testbin.NeedNode(t, "@anthropic-ai/claude-code/package.json")
	u := codexUser(t, filepath.Join(".config", "mcptray"))
	work, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := t.TempDir()
	claude := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command(testbin.NodeModule(filepath.Join(".bin", "claude")), args...)
		cmd.Dir = dir
		cmd.Env = append(u.Env, "NO_COLOR=1", "CI=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("claude %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	claude(work, "mcp", "add", "--scope", "local", "echo", "--", fake)
	claude(work, "mcp", "add", "--scope", "project", "shared", "--", fake)
	mcpJSON, err := os.ReadFile(filepath.Join(work, ".mcp.json"))
	if err != nil {
		t.Fatal(err)
	}

	plan := u.OK("client", "import", "claude-code", "--dry-run")
	for _, want := range []string{
		`echo  (entry "echo" in ` + filepath.Join(u.Dir, ".claude.json") + ")",
		"used in the project " + work + " only (local scope)",
		"shared: Claude Code uses it in the project " + work + " only, from the project's own settings",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("the dry run does not say %q:\n%s", want, plan)
		}
	}
	u.OK("client", "import", "claude-code", "--yes")
	if got, _ := os.ReadFile(filepath.Join(work, ".mcp.json")); string(got) != string(mcpJSON) {
		t.Errorf("the import changed the project's .mcp.json:\n%s", got)
	}
	u.Daemon()

	connected := regexp.MustCompile(`(?m)^echo: \S*mcptray connect echo\s+- [✓✔] Connected\s*$`)
	if out := claude(work, "mcp", "list"); !connected.MatchString(out) {
		t.Errorf("claude mcp list in the project does not show echo connected through MCP Tray:\n%s", out)
	}
	if out := claude(elsewhere, "mcp", "list"); strings.Contains(out, "echo") {
		t.Errorf("claude mcp list in another folder shows the project's server:\n%s", out)
	}
}

// TestGeminiProjectScopeNamed: a server added with Gemini CLI's own `gemini mcp add --scope
// project` (the project's .gemini/settings.json) is named in the import's dry run with a
// sentence, its file left alone, instead of passed over in silence.
func TestGeminiProjectScopeNamed(t *testing.T) {
	testbin.NeedNode(t, "@google/gemini-cli/package.json")
	u := codexUser(t, filepath.Join(".config", "mcptray"))
	work, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(testbin.NodeModule(filepath.Join(".bin", "gemini")), "mcp", "add", "--scope", "project", "db", fake)
	cmd.Dir = work
	cmd.Env = append(u.Env, "NO_COLOR=1", "CI=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gemini mcp add: %v\n%s", err, out)
	}
	settings := filepath.Join(work, ".gemini", "settings.json")
	before, err := os.ReadFile(settings)
	if err != nil {
		t.Fatal(err)
	}
	plan := u.OK("client", "import", "gemini-cli", "--dry-run")
	if want := "db: Gemini CLI uses it in the project " + work + " only, from the project's own settings"; !strings.Contains(plan, want) {
		t.Errorf("the dry run does not say %q:\n%s", want, plan)
	}
	if after, _ := os.ReadFile(settings); string(after) != string(before) {
		t.Errorf("the dry run changed the project's settings:\n%s", after)
	}
}
