package clients

import "path/filepath"

// HomeArg is what an entry for c must pass as --home so that `mcptray connect` reaches the
// MCP Tray whose home is home, or "" when the bridge finds that home by itself. Most clients
// start their servers with their own whole environment, so MCPTRAY_HOME reaches the bridge and
// nothing is needed. A client that starts servers with a reduced environment (Codex) leaves
// the bridge only HOME: the home is then named unless it is the one found from HOME alone.
func HomeArg(c Client, env Env, home string) string {
	if home == "" || !c.ReducesEnvironment() {
		return ""
	}
	if bare := env.bareMCPTrayHome(); bare != "" && filepath.Clean(bare) == filepath.Clean(home) {
		return ""
	}
	return home
}

// bareMCPTrayHome is the MCP Tray home of a process that has HOME but neither MCPTRAY_HOME
// nor XDG_CONFIG_HOME (os.UserConfigDir then gives ~/.config, or ~/Library/Application
// Support on macOS); "" on Windows, where such a process may not even have %APPDATA%.
func (e Env) bareMCPTrayHome() string {
	switch e.GOOS {
	case "windows":
		return ""
	case "darwin":
		return join(e.Home, "Library", "Application Support", "mcptray")
	default:
		return join(e.Home, ".config", "mcptray")
	}
}
