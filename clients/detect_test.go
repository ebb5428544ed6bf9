package clients

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeEnv is an Env for goos rooted in a temporary folder, as FromOS would fill it there.
func fakeEnv(t *testing.T, goos string) (Env, string) {
	root := t.TempDir()
	home := filepath.Join(root, "home")
	env := Env{GOOS: goos, Home: home}
	if goos == "windows" {
		env.AppData = filepath.Join(home, "AppData", "Roaming")
		env.LocalAppData = filepath.Join(home, "AppData", "Local")
	}
	return env, home
}

func mkdir(t *testing.T, parts ...string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(parts...), 0o700); err != nil {
		t.Fatal(err)
	}
}

// rel makes paths relative to home so expectations read like the reference table.
func rel(t *testing.T, home string, paths []string) []string {
	t.Helper()
	out := make([]string, len(paths))
	for i, p := range paths {
		r, err := filepath.Rel(home, p)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = filepath.ToSlash(r)
	}
	return out
}

func TestPaths(t *testing.T) {
	want := map[string]map[string][]string{
		"darwin": {
			"claude-desktop":  {"Library/Application Support/Claude/claude_desktop_config.json"},
			"cursor":          {".cursor/mcp.json"},
			"vscode":          {"Library/Application Support/Code/User/mcp.json"},
			"vscode-insiders": {"Library/Application Support/Code - Insiders/User/mcp.json"},
			"claude-code":     {".claude.json"},
			"windsurf":        {".codeium/windsurf/mcp_config.json"},
			"gemini-cli":      {".gemini/settings.json"},
			"zed":             {".config/zed/settings.json"},
			"lmstudio":        {".lmstudio/mcp.json"},
			"codex":           {".codex/config.toml"},
			"goose":           {".config/goose/config.yaml"},
			"continue":        {".continue/config.yaml"},
			"opencode":        {".config/opencode/opencode.json"},
		},
		"linux": {
			"claude-desktop":  {".config/Claude/claude_desktop_config.json"},
			"vscode-insiders": {".config/Code - Insiders/User/mcp.json"},
			"goose":           {".config/goose/config.yaml"},
		},
		"windows": {
			"claude-desktop":  {"AppData/Roaming/Claude/claude_desktop_config.json"},
			"cursor":          {".cursor/mcp.json"},
			"vscode":          {"AppData/Roaming/Code/User/mcp.json"},
			"vscode-insiders": {"AppData/Roaming/Code - Insiders/User/mcp.json"},
			"zed":             {"AppData/Roaming/Zed/settings.json"},
			"goose":           {"AppData/Roaming/Block/goose/config/config.yaml"},
			"codex":           {".codex/config.toml"},
		},
	}
	for goos, byClient := range want {
		env, home := fakeEnv(t, goos)
		for id, paths := range byClient {
			if diff := cmp.Diff(paths, rel(t, home, mustClient(t, id).Paths(env))); diff != "" {
				t.Errorf("%s on %s (-want +got):\n%s", id, goos, diff)
			}
		}
	}
}

func TestPathsFollowTheClientsVariables(t *testing.T) {
	env, home := fakeEnv(t, "linux")
	env.XDGConfigHome = filepath.Join(home, "xdg")
	env.ClaudeConfigDir = filepath.Join(home, "claude-dir")
	env.CodexHome = filepath.Join(home, "codex-home")
	env.GeminiCLIHome = filepath.Join(home, "gemini-home")
	env.ClineDataDir = filepath.Join(home, "cline-data")
	env.OpencodeConfig = filepath.Join(home, "oc", "custom.jsonc")
	env.ContinueGlobalDir = filepath.Join(home, "cont")
	want := map[string]string{
		"claude-desktop": "xdg/Claude/claude_desktop_config.json",
		"vscode":         "xdg/Code/User/mcp.json",
		"zed":            "xdg/zed/settings.json",
		"goose":          "xdg/goose/config.yaml",
		"claude-code":    "claude-dir/.claude.json",
		"codex":          "codex-home/config.toml",
		"gemini-cli":     "gemini-home/.gemini/settings.json",
		"cline":          "cline-data/settings/cline_mcp_settings.json",
		"opencode":       "oc/custom.jsonc",
		"continue":       "cont/config.yaml",
	}
	// The main file is the first; later ones (older Cline storage, Flatpak builds) are pinned
	// in TestPathsOfTheSecondRound.
	for id, p := range want {
		if diff := cmp.Diff([]string{p}, rel(t, home, mustClient(t, id).Paths(env))[:1]); diff != "" {
			t.Errorf("%s (-want +got):\n%s", id, diff)
		}
	}
	env.ClineMCPSettingsPath = filepath.Join(home, "x.json")
	env.ClineDir = filepath.Join(home, "ignored")
	if got := rel(t, home, mustClient(t, "cline").Paths(env)); got[0] != "x.json" {
		t.Errorf("cline with CLINE_MCP_SETTINGS_PATH = %v", got)
	}
	env.ClineMCPSettingsPath, env.ClineDataDir = "", ""
	if got := rel(t, home, mustClient(t, "cline").Paths(env)); got[0] != "ignored/data/settings/cline_mcp_settings.json" {
		t.Errorf("cline with CLINE_DIR = %v", got)
	}
}

func TestPathsWithoutHome(t *testing.T) {
	for _, c := range All() {
		if paths := c.Paths(Env{GOOS: "linux"}); len(paths) != 0 {
			t.Errorf("%s with no home folder gives %v, want nothing (never a relative path)", c.ID(), paths)
		}
	}
}

func TestOpencodePicksAnExistingJSONC(t *testing.T) {
	env, home := fakeEnv(t, "darwin")
	writeFile(t, filepath.Join(home, ".config", "opencode", "opencode.jsonc"), []byte("{}"))
	if got := rel(t, home, mustClient(t, "opencode").Paths(env)); got[0] != ".config/opencode/opencode.jsonc" {
		t.Errorf("opencode = %v", got)
	}
}

// detected summarises Detect as client id → files relative to home, with "+" for existing ones.
func detected(t *testing.T, env Env, home string) map[string][]string {
	out := map[string][]string{}
	for _, d := range Detect(env) {
		var files []string
		for _, f := range d.Files {
			r := rel(t, home, []string{f.Path})[0]
			if f.Exists {
				r = "+" + r
			}
			files = append(files, r)
		}
		out[d.Client.ID()] = files
	}
	return out
}

func TestDetectLinux(t *testing.T) {
	env, home := fakeEnv(t, "linux")
	if got := detected(t, env, home); len(got) != 0 {
		t.Fatalf("an empty home detects %v", got)
	}
	mkdir(t, home, ".cursor")
	writeFile(t, filepath.Join(home, ".config", "Code", "User", "mcp.json"), []byte("{}"))
	mkdir(t, home, ".config", "Code", "User", "profiles", "5e6f7a")
	mkdir(t, home, ".config", "Code", "User", "profiles", "-1b2c3d")
	mkdir(t, home, ".config", "Code - Insiders", "User")
	writeFile(t, filepath.Join(home, ".claude.json"), []byte("{}"))
	mkdir(t, home, ".cline")
	mkdir(t, home, ".codex")
	want := map[string][]string{
		"cursor": {".cursor/mcp.json"},
		"vscode": {
			"+.config/Code/User/mcp.json",
			".config/Code/User/profiles/-1b2c3d/mcp.json",
			".config/Code/User/profiles/5e6f7a/mcp.json",
		},
		"vscode-insiders": {".config/Code - Insiders/User/mcp.json"},
		"claude-code":     {"+.claude.json"},
		"cline":           {".cline/data/settings/cline_mcp_settings.json"},
		"codex":           {".codex/config.toml"},
	}
	if diff := cmp.Diff(want, detected(t, env, home)); diff != "" {
		t.Errorf("Detect (-want +got):\n%s", diff)
	}
}

func TestDetectDarwin(t *testing.T) {
	env, home := fakeEnv(t, "darwin")
	writeFile(t, filepath.Join(home, "Library", "Application Support", "Claude", "claude_desktop_config.json"), []byte("{}"))
	mkdir(t, home, ".claude") // Claude Code installed, no ~/.claude.json yet
	mkdir(t, home, ".config", "zed")
	mkdir(t, home, ".config", "goose")
	mkdir(t, home, ".gemini")
	want := map[string][]string{
		"claude-desktop": {"+Library/Application Support/Claude/claude_desktop_config.json"},
		"claude-code":    {".claude.json"},
		"zed":            {".config/zed/settings.json"},
		"goose":          {".config/goose/config.yaml"},
		"gemini-cli":     {".gemini/settings.json"},
	}
	if diff := cmp.Diff(want, detected(t, env, home)); diff != "" {
		t.Errorf("Detect (-want +got):\n%s", diff)
	}
}

func TestDetectWindowsMSIXClaude(t *testing.T) {
	env, home := fakeEnv(t, "windows")
	mkdir(t, home, "AppData", "Local", "Packages", "Claude_pzs8sxrjxfjjc")
	mkdir(t, home, "AppData", "Roaming", "Code", "User")
	want := map[string][]string{
		"claude-desktop": {"AppData/Local/Packages/Claude_pzs8sxrjxfjjc/LocalCache/Roaming/Claude/claude_desktop_config.json"},
		"vscode":         {"AppData/Roaming/Code/User/mcp.json"},
	}
	if diff := cmp.Diff(want, detected(t, env, home)); diff != "" {
		t.Errorf("Detect (-want +got):\n%s", diff)
	}
	// With an older classic install's folder still there, both files are managed.
	writeFile(t, filepath.Join(home, "AppData", "Roaming", "Claude", "claude_desktop_config.json"), []byte("{}"))
	want["claude-desktop"] = append(want["claude-desktop"], "+AppData/Roaming/Claude/claude_desktop_config.json")
	if diff := cmp.Diff(want, detected(t, env, home)); diff != "" {
		t.Errorf("Detect with both Claude folders (-want +got):\n%s", diff)
	}
	// Apply creates the MSIX file's folders.
	d := Detect(env)[0]
	if _, err := Apply(d.Client, d.Files[0].Path, goldenWant("windows"), ApplyOptions{Backups: backupsOf(home)}); err != nil {
		t.Fatal(err)
	}
	checkOursAre(t, d.Client, d.Files[0].Path, goldenWant("windows"))
}

func TestAllIDsAreUniqueAndNamed(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range All() {
		if seen[c.ID()] || c.Name() == "" || c.RestartHint() == "" {
			t.Errorf("client %q: duplicate id or missing name/hint", c.ID())
		}
		seen[c.ID()] = true
		if got, ok := ByID(c.ID()); !ok || got != c {
			t.Errorf("ByID(%q) = %v, %v", c.ID(), got, ok)
		}
	}
	if len(seen) != 29 {
		t.Errorf("%d clients, want 29", len(seen))
	}
}
