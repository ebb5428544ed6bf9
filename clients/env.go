package clients

import (
	"os"
	"runtime"
)

// Env says where AI client files are found. Every field is a plain string so a test can point
// the whole package at a temporary folder, and so one machine can compute the paths of another
// operating system (GOOS drives the choice of paths, not the running binary). Empty fields
// mean "not set"; FromOS fills them from the process environment.
type Env struct {
	GOOS         string // "darwin", "linux", "windows"
	Home         string // the home folder (%USERPROFILE% on Windows)
	AppData      string // %APPDATA% (Windows)
	LocalAppData string // %LOCALAPPDATA% (Windows)
	// XDGConfigHome is $XDG_CONFIG_HOME; when empty, ~/.config is used where a client honours it.
	XDGConfigHome string

	ClaudeConfigDir      string // $CLAUDE_CONFIG_DIR (Claude Code)
	CodexHome            string // $CODEX_HOME (OpenAI Codex)
	GeminiCLIHome        string // $GEMINI_CLI_HOME (Gemini CLI; replaces the home folder)
	ClineDir             string // $CLINE_DIR
	ClineDataDir         string // $CLINE_DATA_DIR
	ClineMCPSettingsPath string // $CLINE_MCP_SETTINGS_PATH
	OpencodeConfig       string // $OPENCODE_CONFIG (a file)
	ContinueGlobalDir    string // $CONTINUE_GLOBAL_DIR
	QwenHome             string // $QWEN_HOME (Qwen Code; replaces ~/.qwen)
	CopilotHome          string // $COPILOT_HOME (GitHub Copilot CLI; replaces ~/.copilot)
	CrushGlobalConfig    string // $CRUSH_GLOBAL_CONFIG (Crush; the folder holding crush.json)
}

// FromOS returns the Env of the running process. It never fails: a variable that is not set
// stays empty, and an unknown home folder leaves Home empty (then no client is detected).
func FromOS() Env {
	home, _ := os.UserHomeDir()
	return Env{
		GOOS:                 runtime.GOOS,
		Home:                 home,
		AppData:              os.Getenv("APPDATA"),
		LocalAppData:         os.Getenv("LOCALAPPDATA"),
		XDGConfigHome:        os.Getenv("XDG_CONFIG_HOME"),
		ClaudeConfigDir:      os.Getenv("CLAUDE_CONFIG_DIR"),
		CodexHome:            os.Getenv("CODEX_HOME"),
		GeminiCLIHome:        os.Getenv("GEMINI_CLI_HOME"),
		ClineDir:             os.Getenv("CLINE_DIR"),
		ClineDataDir:         os.Getenv("CLINE_DATA_DIR"),
		ClineMCPSettingsPath: os.Getenv("CLINE_MCP_SETTINGS_PATH"),
		OpencodeConfig:       os.Getenv("OPENCODE_CONFIG"),
		ContinueGlobalDir:    os.Getenv("CONTINUE_GLOBAL_DIR"),
		QwenHome:             os.Getenv("QWEN_HOME"),
		CopilotHome:          os.Getenv("COPILOT_HOME"),
		CrushGlobalConfig:    os.Getenv("CRUSH_GLOBAL_CONFIG"),
	}
}

// xdgConfig is $XDG_CONFIG_HOME, or ~/.config when it is not set.
func (e Env) xdgConfig() string {
	if e.XDGConfigHome != "" {
		return e.XDGConfigHome
	}
	return join(e.Home, ".config")
}

// appData is %APPDATA%, or the usual place under the home folder when it is not set.
func (e Env) appData() string {
	if e.AppData != "" {
		return e.AppData
	}
	return join(e.Home, "AppData", "Roaming")
}

// localAppData is %LOCALAPPDATA%, or the usual place under the home folder.
func (e Env) localAppData() string {
	if e.LocalAppData != "" {
		return e.LocalAppData
	}
	return join(e.Home, "AppData", "Local")
}
