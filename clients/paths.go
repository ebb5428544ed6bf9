package clients

import "path/filepath"

// Paths of the clients added for issue #25. Each function says where its facts come from; the
// search tool's corpora (client docs and sources) were used to check them in December 2026.

// qwenDir is $QWEN_HOME, else ~/.qwen. Qwen Code is a Gemini CLI fork and reads Gemini's
// settings format (mcpServers with command, args, env) from settings.json in that folder
// (QwenLM/qwen-code docs "Connect Qwen Code to tools via MCP"; QWEN_HOME replaces the whole
// folder, as qwen-code's own tests set it).
func qwenDir(e Env) string {
	if e.QwenHome != "" {
		return e.QwenHome
	}
	return join(e.Home, ".qwen")
}

// copilotDir is $COPILOT_HOME, else ~/.copilot: GitHub Copilot CLI reads mcp-config.json
// there, with an "mcpServers" object of {command, args} entries (docs.github.com "Using
// GitHub Copilot CLI", changed from ~/.config in github/docs#40683; VS Code's MCP reference
// names "$COPILOT_HOME/mcp-config.json" with "~/.copilot/mcp-config.json" as the fallback).
func copilotDir(e Env) string {
	if e.CopilotHome != "" {
		return e.CopilotHome
	}
	return join(e.Home, ".copilot")
}

// kiloCLIPath is Kilo Code's CLI file: an opencode fork that reads opencode's format from
// ~/.config/kilo/kilo.jsonc (or kilo.json when only that exists), like opencode on every OS.
func kiloCLIPath(e Env) string {
	dir := join(e.xdgConfig(), "kilo")
	if dir == "" {
		return ""
	}
	jsonPath, jsoncPath := filepath.Join(dir, "kilo.json"), filepath.Join(dir, "kilo.jsonc")
	if exists(jsonPath) && !exists(jsoncPath) {
		return jsonPath
	}
	return jsoncPath
}

// crushDir is Crush's global config folder: $CRUSH_GLOBAL_CONFIG (a folder: Crush joins
// crush.json onto it), else $XDG_CONFIG_HOME/crush, else %LOCALAPPDATA%\crush on Windows and
// ~/.config/crush elsewhere (charmbracelet/crush internal/config GlobalConfig; entries live
// under "mcp" with "type": "stdio", command, args).
func crushDir(e Env) string {
	switch {
	case e.CrushGlobalConfig != "":
		return e.CrushGlobalConfig
	case e.XDGConfigHome != "":
		return join(e.XDGConfigHome, "crush")
	case e.GOOS == "windows":
		return join(e.localAppData(), "crush")
	default:
		return join(e.Home, ".config", "crush")
	}
}

// ampPath is Amp's user settings: ~/.config/amp/settings.json on every OS (on Windows under
// %USERPROFILE%), or settings.jsonc when only that exists; servers sit under the flat key
// "amp.mcpServers" (ampcode.com manual, "Configuration").
func ampPath(e Env) string {
	dir := join(e.Home, ".config", "amp")
	if dir == "" {
		return ""
	}
	jsonPath, jsoncPath := filepath.Join(dir, "settings.json"), filepath.Join(dir, "settings.jsonc")
	if !exists(jsonPath) && exists(jsoncPath) {
		return jsoncPath
	}
	return jsonPath
}

// extensionEditors are the VS Code builds whose extensions keep their settings under
// User/globalStorage; the first is where a new file goes.
var extensionEditors = []string{"Code", "Code - Insiders", "VSCodium", "Cursor", "Windsurf"}

// extensionPaths is a VS Code extension's settings file in every VS Code build's global
// storage: User/globalStorage/<extension id>/settings/<file>. Cline's older builds, Roo Code
// (rooveterinaryinc.roo-cline) and Kilo Code (kilocode.kilo-code) keep an "mcpServers" object
// of {command, args, env, disabled, alwaysAllow} there (RooCodeInc/Roo-Code McpHub.ts,
// GlobalFileNames.mcpSettings).
func extensionPaths(e Env, extension, file string) []string {
	var out []string
	for _, product := range extensionEditors {
		out = append(out, join(vscodeUserDir(e, product), "globalStorage", extension, "settings", file))
	}
	return out
}

// visualStudioPaths is %USERPROFILE%\.mcp.json, Visual Studio 2022 (17.14) and 2026's global
// MCP file, in VS Code's format ("servers", type stdio) (learn.microsoft.com "Use MCP servers
// in Visual Studio"). Visual Studio runs on Windows only, so other systems have no path.
func visualStudioPaths(e Env) []string {
	if e.GOOS != "windows" {
		return nil
	}
	return []string{join(e.Home, ".mcp.json")}
}

func visualStudioMarkers(e Env) []string {
	if e.GOOS != "windows" {
		return nil
	}
	return []string{join(e.localAppData(), "Microsoft", "VisualStudio")}
}

// flatpakConfig is the config folder of a Flatpak app on Linux (~/.var/app/<id>/config), or
// "" elsewhere.
func flatpakConfig(e Env, app string) string {
	if e.GOOS != "linux" && e.GOOS != "freebsd" {
		return ""
	}
	return join(e.Home, ".var", "app", app, "config")
}
