package clients

import (
	"path/filepath"
	"sort"
)

// The paths below follow /work/shared/reference/clients.md and the clients' own sources. They
// branch on env.GOOS rather than on build tags because a test (and `client list` for another
// machine) must be able to compute the paths of every operating system from one binary.

var registry = []*clientSpec{
	{
		id: "claude-desktop", name: "Claude Desktop",
		restartHint:  "Quit Claude Desktop from its tray icon (closing the window is not enough) and open it again.",
		needsRestart: true,
		paths:        claudeDesktopPaths,
		markers:      claudeDesktopMarkers,
		format:       jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "cursor", name: "Cursor",
		restartHint:  "Restart Cursor, or switch the server off and on again in Cursor's MCP settings.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(e.Home, ".cursor", "mcp.json")} },
		format:       jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "vscode", name: "VS Code",
		restartHint: "VS Code picks up the change by itself.",
		paths:       func(e Env) []string { return vscodePaths(e, "Code") },
		markers:     func(e Env) []string { return vscodeMarkers(e, "Code") },
		format:      jsonFormat{shape: vscodeShape},
	},
	{
		id: "vscode-insiders", name: "VS Code Insiders",
		restartHint: "VS Code Insiders picks up the change by itself.",
		paths:       func(e Env) []string { return vscodePaths(e, "Code - Insiders") },
		markers:     func(e Env) []string { return []string{vscodeUserDir(e, "Code - Insiders")} },
		format:      jsonFormat{shape: vscodeShape},
	},
	{
		id: "claude-code", name: "Claude Code",
		restartHint:  "Start a new Claude Code session to see the change.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(claudeCodeDir(e), ".claude.json")} },
		markers: func(e Env) []string {
			return []string{join(claudeCodeDir(e), ".claude.json"), join(e.Home, ".claude"), e.ClaudeConfigDir}
		},
		format: jsonFormat{strict: true, shape: claudeCodeShape},
	},
	{
		id: "windsurf", name: "Windsurf",
		restartHint:  "Press the refresh button in Windsurf's MCP panel, or restart Windsurf.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(e.Home, ".codeium", "windsurf", "mcp_config.json")} },
		format:       jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "gemini-cli", name: "Gemini CLI",
		restartHint:  "Run /mcp reload in Gemini CLI, or start it again.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(geminiHome(e), ".gemini", "settings.json")} },
		format:       jsonFormat{shape: geminiShape},
	},
	{
		id: "zed", name: "Zed",
		restartHint: "Zed picks up the change by itself.",
		paths:       zedPaths,
		format:      jsonFormat{shape: zedShape},
	},
	{
		id: "cline", name: "Cline",
		restartHint: "Cline picks up the change by itself.",
		paths:       clinePaths,
		markers:     clineMarkers,
		format:      jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "lmstudio", name: "LM Studio",
		restartHint:  "Restart LM Studio if the change does not show in its MCP settings.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(e.Home, ".lmstudio", "mcp.json")} },
		format:       jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "codex", name: "OpenAI Codex",
		restartHint:  "Start Codex again to see the change.",
		needsRestart: true,
		// Codex starts servers with HOME, PATH, USER, SHELL, LANG, TERM, TMPDIR and a few more
		// only (codex-rs mcp-client DEFAULT_ENV_VARS), measured with `codex app-server`.
		reducedEnv: true,
		paths:      func(e Env) []string { return []string{join(codexHome(e), "config.toml")} },
		format:     tomlFormat{},
	},
	{
		id: "goose", name: "Goose",
		restartHint:  "Restart Goose to see the change.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{goosePath(e)} },
		format:       yamlFormat{shape: gooseShape},
	},
	{
		id: "continue", name: "Continue",
		restartHint: "Continue picks up the change by itself; reload the editor window if it does not.",
		paths:       func(e Env) []string { return []string{continuePath(e)} },
		markers:     func(e Env) []string { return []string{continueDir(e)} },
		format:      yamlFormat{shape: continueShape},
	},
	{
		id: "opencode", name: "opencode",
		restartHint:  "Start opencode again to see the change.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{opencodePath(e)} },
		format:       jsonFormat{shape: opencodeShape},
	},
	// The clients below were added for issue #25; where each format comes from is said at its
	// path function in paths.go.
	{
		id: "qwen-code", name: "Qwen Code",
		restartHint:  "Start Qwen Code again to see the change.",
		needsRestart: true,
		private:      true,
		paths:        func(e Env) []string { return []string{join(qwenDir(e), "settings.json")} },
		format:       jsonFormat{shape: geminiShape},
	},
	{
		id: "copilot-cli", name: "GitHub Copilot CLI",
		restartHint:  "Start GitHub Copilot CLI again to see the change.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(copilotDir(e), "mcp-config.json")} },
		format:       jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "kilo-cli", name: "Kilo Code CLI",
		restartHint:  "Start Kilo Code CLI again to see the change.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{kiloCLIPath(e)} },
		format:       jsonFormat{shape: opencodeShape},
	},
	{
		id: "crush", name: "Crush",
		restartHint:  "Start Crush again to see the change.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(crushDir(e), "crush.json")} },
		format:       jsonFormat{shape: crushShape},
	},
	{
		id: "amazon-q", name: "Amazon Q Developer CLI",
		restartHint:  "Start a new q chat session to see the change.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(e.Home, ".aws", "amazonq", "mcp.json")} },
		format:       jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "kiro", name: "Kiro",
		restartHint: "Kiro picks up the change by itself; reconnect the server in Kiro's MCP panel if it does not.",
		paths:       func(e Env) []string { return []string{join(e.Home, ".kiro", "settings", "mcp.json")} },
		format:      jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "roo-code", name: "Roo Code",
		restartHint: "Roo Code picks up the change by itself.",
		paths:       func(e Env) []string { return extensionPaths(e, "rooveterinaryinc.roo-cline", "mcp_settings.json") },
		format:      jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "kilo-code", name: "Kilo Code",
		restartHint: "Kilo Code picks up the change by itself.",
		paths:       func(e Env) []string { return extensionPaths(e, "kilocode.kilo-code", "mcp_settings.json") },
		format:      jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "visual-studio", name: "Visual Studio",
		restartHint:  "Restart Visual Studio if the server does not show in Copilot's tool list.",
		needsRestart: true,
		paths:        visualStudioPaths,
		markers:      visualStudioMarkers,
		format:       jsonFormat{shape: vscodeShape},
	},
	{
		id: "trae", name: "Trae",
		restartHint:  "Restart Trae if the change does not show in its MCP settings.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(vscodeUserDir(e, "Trae"), "mcp.json")} },
		markers:      func(e Env) []string { return []string{vscodeUserDir(e, "Trae")} },
		format:       jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "junie", name: "JetBrains Junie",
		restartHint:  "Restart the JetBrains IDE, or reload Junie's MCP settings.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(e.Home, ".junie", "mcp", "mcp.json")} },
		markers:      func(e Env) []string { return []string{join(e.Home, ".junie")} },
		format:       jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "amp", name: "Amp",
		restartHint:  "Start Amp again to see the change.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{ampPath(e)} },
		format:       jsonFormat{shape: ampShape},
	},
	{
		id: "augment", name: "Augment (Auggie CLI)",
		restartHint:  "Start Auggie again to see the change.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(e.Home, ".augment", "settings.json")} },
		format:       jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "windsurf-next", name: "Windsurf Next",
		restartHint:  "Press the refresh button in Windsurf Next's MCP panel, or restart it.",
		needsRestart: true,
		paths:        func(e Env) []string { return []string{join(e.Home, ".codeium", "windsurf-next", "mcp_config.json")} },
		format:       jsonFormat{strict: true, shape: mcpServersShape},
	},
	{
		id: "vscodium", name: "VSCodium",
		restartHint: "VSCodium picks up the change by itself.",
		paths:       func(e Env) []string { return vscodePaths(e, "VSCodium") },
		markers:     func(e Env) []string { return vscodeMarkers(e, "VSCodium") },
		format:      jsonFormat{shape: vscodeShape},
	},
}

// join is filepath.Join that keeps "unknown" unknown: an empty first element (a variable
// that is not set) gives an empty path instead of a relative one.
func join(elem ...string) string {
	if len(elem) == 0 || elem[0] == "" {
		return ""
	}
	return filepath.Join(elem...)
}

func claudeDesktopDir(e Env) string {
	switch e.GOOS {
	case "darwin":
		return join(e.Home, "Library", "Application Support", "Claude")
	case "windows":
		return join(e.appData(), "Claude")
	default:
		return join(e.xdgConfig(), "Claude")
	}
}

// claudeDesktopMSIX lists the MSIX package folders of Claude Desktop on Windows
// (%LOCALAPPDATA%\Packages\Claude_<publisher id>), sorted.
func claudeDesktopMSIX(e Env) []string {
	if e.GOOS != "windows" || e.localAppData() == "" {
		return nil
	}
	dirs, _ := filepath.Glob(filepath.Join(e.localAppData(), "Packages", "Claude_*"))
	sort.Strings(dirs)
	return dirs
}

// claudeDesktopPaths puts the MSIX file first: since early 2026 that is what the Windows
// build reads, and the classic %APPDATA% file only matters for older installs.
func claudeDesktopPaths(e Env) []string {
	var out []string
	for _, pkg := range claudeDesktopMSIX(e) {
		out = append(out, filepath.Join(pkg, "LocalCache", "Roaming", "Claude", "claude_desktop_config.json"))
	}
	return append(out, join(claudeDesktopDir(e), "claude_desktop_config.json"))
}

func claudeDesktopMarkers(e Env) []string {
	return append(claudeDesktopMSIX(e), claudeDesktopDir(e))
}

func vscodeUserDir(e Env, product string) string {
	switch e.GOOS {
	case "darwin":
		return join(e.Home, "Library", "Application Support", product, "User")
	case "windows":
		return join(e.appData(), product, "User")
	default:
		return join(e.xdgConfig(), product, "User")
	}
}

// vscodeFlatpak names the Flatpak app of a VS Code build on Linux (Flathub ids).
var vscodeFlatpak = map[string]string{"Code": "com.visualstudio.code", "VSCodium": "com.vscodium.codium"}

// vscodeFlatpakUserDir is the User folder of the Flatpak build on Linux, or "".
func vscodeFlatpakUserDir(e Env, product string) string {
	if app := vscodeFlatpak[product]; app != "" {
		return join(flatpakConfig(e, app), product, "User")
	}
	return ""
}

func vscodeMarkers(e Env, product string) []string {
	return []string{vscodeUserDir(e, product), vscodeFlatpakUserDir(e, product)}
}

// vscodePaths is the user mcp.json and one per non-default profile folder that exists, then
// the same for the Flatpak build on Linux (which Detect manages only when its folder exists).
func vscodePaths(e Env, product string) []string {
	user := vscodeUserDir(e, product)
	if user == "" {
		return nil
	}
	out := userMCPFiles(user)
	if flat := vscodeFlatpakUserDir(e, product); flat != "" {
		out = append(out, userMCPFiles(flat)...)
	}
	return out
}

func userMCPFiles(user string) []string {
	out := []string{filepath.Join(user, "mcp.json")}
	profiles, _ := filepath.Glob(filepath.Join(user, "profiles", "*"))
	sort.Strings(profiles)
	for _, p := range profiles {
		if isDir(p) {
			out = append(out, filepath.Join(p, "mcp.json"))
		}
	}
	return out
}

func claudeCodeDir(e Env) string {
	if e.ClaudeConfigDir != "" {
		return e.ClaudeConfigDir
	}
	return e.Home
}

func geminiHome(e Env) string {
	if e.GeminiCLIHome != "" {
		return e.GeminiCLIHome
	}
	return e.Home
}

// zedPaths is Zed's settings file, then the Flatpak build's (dev.zed.Zed) on Linux.
func zedPaths(e Env) []string {
	return []string{join(zedDir(e), "settings.json"), join(flatpakConfig(e, "dev.zed.Zed"), "zed", "settings.json")}
}

func zedDir(e Env) string {
	switch e.GOOS {
	case "windows":
		return join(e.appData(), "Zed")
	case "darwin":
		return join(e.Home, ".config", "zed")
	default:
		return join(e.xdgConfig(), "zed")
	}
}

// clinePath follows Cline's own order: an explicit settings file, then the data folder, then
// the Cline folder, then ~/.cline.
// clinePaths is Cline's own file, then the VS Code extension's older global-storage files
// (saoudrizwan.claude-dev), which Cline before 4.0 reads and which are managed when their
// folder exists.
func clinePaths(e Env) []string {
	return append([]string{clinePath(e)}, extensionPaths(e, "saoudrizwan.claude-dev", "cline_mcp_settings.json")...)
}

func clinePath(e Env) string {
	switch {
	case e.ClineMCPSettingsPath != "":
		return e.ClineMCPSettingsPath
	case e.ClineDataDir != "":
		return join(e.ClineDataDir, "settings", "cline_mcp_settings.json")
	default:
		return join(clineDir(e), "data", "settings", "cline_mcp_settings.json")
	}
}

func clineDir(e Env) string {
	if e.ClineDir != "" {
		return e.ClineDir
	}
	return join(e.Home, ".cline")
}

func clineMarkers(e Env) []string {
	out := []string{filepath.Dir(clinePath(e)), e.ClineDataDir, clineDir(e)}
	for _, p := range extensionPaths(e, "saoudrizwan.claude-dev", "cline_mcp_settings.json") {
		out = append(out, filepath.Dir(p))
	}
	return out
}

func codexHome(e Env) string {
	if e.CodexHome != "" {
		return e.CodexHome
	}
	return join(e.Home, ".codex")
}

func goosePath(e Env) string {
	if e.GOOS == "windows" {
		return join(e.appData(), "Block", "goose", "config", "config.yaml")
	}
	return join(e.xdgConfig(), "goose", "config.yaml")
}

// continuePath is config.yaml, unless only config.json exists: Continue prefers config.yaml
// over config.json, so creating one would hide the person's whole configuration. Then MCP
// Tray's servers go into a block file of their own, ~/.continue/mcpServers/mcptray.yaml, which
// Continue loads beside either file (docs.continue.dev "MCP": mcpServers block folders).
func continuePath(e Env) string {
	dir := continueDir(e)
	if dir == "" {
		return ""
	}
	yamlPath := filepath.Join(dir, "config.yaml")
	if !exists(yamlPath) && exists(filepath.Join(dir, "config.json")) {
		return filepath.Join(dir, "mcpServers", "mcptray.yaml")
	}
	return yamlPath
}

func continueDir(e Env) string {
	if e.ContinueGlobalDir != "" {
		return e.ContinueGlobalDir
	}
	return join(e.Home, ".continue")
}

// opencodePath is $OPENCODE_CONFIG, else opencode.json, else an existing opencode.jsonc.
func opencodePath(e Env) string {
	if e.OpencodeConfig != "" {
		return e.OpencodeConfig
	}
	dir := join(e.xdgConfig(), "opencode")
	if dir == "" {
		return ""
	}
	jsonPath, jsoncPath := filepath.Join(dir, "opencode.json"), filepath.Join(dir, "opencode.jsonc")
	if !exists(jsonPath) && exists(jsoncPath) {
		return jsoncPath
	}
	return jsonPath
}
