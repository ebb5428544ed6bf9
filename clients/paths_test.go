package clients

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPathsOfTheSecondRound pins every path of the clients added for issue #25 on the three
// systems, as the clients' own documentation gives them (see paths.go).
func TestPathsOfTheSecondRound(t *testing.T) {
	ext := func(prefix, id, file string) []string {
		var out []string
		for _, p := range extensionEditors {
			out = append(out, prefix+p+"/User/globalStorage/"+id+"/settings/"+file)
		}
		return out
	}
	want := map[string]map[string][]string{
		"darwin": {
			"qwen-code":     {".qwen/settings.json"},
			"copilot-cli":   {".copilot/mcp-config.json"},
			"kilo-cli":      {".config/kilo/kilo.jsonc"},
			"crush":         {".config/crush/crush.json"},
			"amazon-q":      {".aws/amazonq/mcp.json"},
			"kiro":          {".kiro/settings/mcp.json"},
			"roo-code":      ext("Library/Application Support/", "rooveterinaryinc.roo-cline", "mcp_settings.json"),
			"kilo-code":     ext("Library/Application Support/", "kilocode.kilo-code", "mcp_settings.json"),
			"visual-studio": nil,
			"trae":          {"Library/Application Support/Trae/User/mcp.json"},
			"junie":         {".junie/mcp/mcp.json"},
			"amp":           {".config/amp/settings.json"},
			"augment":       {".augment/settings.json"},
			"windsurf-next": {".codeium/windsurf-next/mcp_config.json"},
			"vscodium":      {"Library/Application Support/VSCodium/User/mcp.json"},
			"zed":           {".config/zed/settings.json"},
			"cline": append([]string{".cline/data/settings/cline_mcp_settings.json"},
				ext("Library/Application Support/", "saoudrizwan.claude-dev", "cline_mcp_settings.json")...),
		},
		"linux": {
			"qwen-code":     {".qwen/settings.json"},
			"crush":         {".config/crush/crush.json"},
			"roo-code":      ext(".config/", "rooveterinaryinc.roo-cline", "mcp_settings.json"),
			"visual-studio": nil,
			"trae":          {".config/Trae/User/mcp.json"},
			"amp":           {".config/amp/settings.json"},
			"vscode":        {".config/Code/User/mcp.json", ".var/app/com.visualstudio.code/config/Code/User/mcp.json"},
			"vscodium":      {".config/VSCodium/User/mcp.json", ".var/app/com.vscodium.codium/config/VSCodium/User/mcp.json"},
			"zed":           {".config/zed/settings.json", ".var/app/dev.zed.Zed/config/zed/settings.json"},
		},
		"windows": {
			"qwen-code":     {".qwen/settings.json"},
			"copilot-cli":   {".copilot/mcp-config.json"},
			"kilo-cli":      {".config/kilo/kilo.jsonc"},
			"crush":         {"AppData/Local/crush/crush.json"},
			"amazon-q":      {".aws/amazonq/mcp.json"},
			"kiro":          {".kiro/settings/mcp.json"},
			"kilo-code":     ext("AppData/Roaming/", "kilocode.kilo-code", "mcp_settings.json"),
			"visual-studio": {".mcp.json"},
			"trae":          {"AppData/Roaming/Trae/User/mcp.json"},
			"junie":         {".junie/mcp/mcp.json"},
			"amp":           {".config/amp/settings.json"},
			"augment":       {".augment/settings.json"},
			"windsurf-next": {".codeium/windsurf-next/mcp_config.json"},
			"vscodium":      {"AppData/Roaming/VSCodium/User/mcp.json"},
		},
	}
	for goos, byClient := range want {
		env, home := fakeEnv(t, goos)
		for id, paths := range byClient {
			if diff := cmp.Diff(paths, rel(t, home, mustClient(t, id).Paths(env)), cmpEmpty); diff != "" {
				t.Errorf("%s on %s (-want +got):\n%s", id, goos, diff)
			}
		}
	}
}

var cmpEmpty = cmp.Transformer("empty", func(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
})

func TestPathsFollowTheNewClientsVariables(t *testing.T) {
	env, home := fakeEnv(t, "linux")
	env.QwenHome = filepath.Join(home, "qh")
	env.CopilotHome = filepath.Join(home, "ch")
	env.CrushGlobalConfig = filepath.Join(home, "crush-dir")
	env.XDGConfigHome = filepath.Join(home, "xdg")
	want := map[string]string{
		"qwen-code":   "qh/settings.json",
		"copilot-cli": "ch/mcp-config.json",
		"crush":       "crush-dir/crush.json",
		"kilo-cli":    "xdg/kilo/kilo.jsonc",
	}
	for id, p := range want {
		if got := rel(t, home, mustClient(t, id).Paths(env)); got[0] != p {
			t.Errorf("%s = %v, want %s first", id, got, p)
		}
	}
	env.CrushGlobalConfig = ""
	if got := rel(t, home, mustClient(t, "crush").Paths(env)); got[0] != "xdg/crush/crush.json" {
		t.Errorf("crush with XDG_CONFIG_HOME = %v", got)
	}
}

// TestDetectSecondRound: the forks and Flatpak builds are found from their folders, and an
// older Cline's extension file is managed beside Cline's own when its folder exists.
func TestDetectSecondRound(t *testing.T) {
	env, home := fakeEnv(t, "linux")
	mkdir(t, home, ".config", "Code", "User", "globalStorage", "rooveterinaryinc.roo-cline", "settings")
	mkdir(t, home, ".config", "Code", "User", "globalStorage", "saoudrizwan.claude-dev", "settings")
	mkdir(t, home, ".var", "app", "dev.zed.Zed", "config", "zed")
	mkdir(t, home, ".var", "app", "com.visualstudio.code", "config", "Code", "User")
	mkdir(t, home, ".qwen")
	want := map[string][]string{
		"roo-code": {".config/Code/User/globalStorage/rooveterinaryinc.roo-cline/settings/mcp_settings.json"},
		"cline": {
			".cline/data/settings/cline_mcp_settings.json",
			".config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
		},
		"zed":       {".config/zed/settings.json", ".var/app/dev.zed.Zed/config/zed/settings.json"},
		"vscode":    {".config/Code/User/mcp.json", ".var/app/com.visualstudio.code/config/Code/User/mcp.json"},
		"qwen-code": {".qwen/settings.json"},
	}
	if diff := cmp.Diff(want, detected(t, env, home)); diff != "" {
		t.Errorf("Detect (-want +got):\n%s", diff)
	}
}
