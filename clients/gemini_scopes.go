package clients

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// GeminiScoped returns the servers of the projects Gemini CLI knows (each project's
// .gemini/settings.json), projects in sorted order. Gemini CLI keeps no list of servers per
// project; the projects are those of its project registry (~/.gemini/projects.json, whose
// "projects" keys are folders), of its trusted folders (~/.gemini/trustedFolders.json, keys
// too), and of its per-project folders (~/.gemini/tmp/*/.project_root and ~/.gemini/
// history/*/.project_root, each holding a folder: `gemini mcp add --scope project` writes
// these before the registry), as Gemini CLI 0.61 keeps them. A project file that is missing
// or does not parse adds nothing. It only reads.
func GeminiScoped(env Env) []ScopedServer {
	return projectScoped("gemini-cli", join(geminiHome(env), ".gemini"), ".gemini")
}

// QwenScoped is GeminiScoped for Qwen Code, Gemini CLI's fork: each project's
// .qwen/settings.json, for the projects of ~/.qwen/trustedFolders.json (Qwen Code 0.x keeps
// no project registry, measured with `qwen mcp add --scope project`).
func QwenScoped(env Env) []ScopedServer {
	return projectScoped("qwen-code", qwenDir(env), ".qwen")
}

// projectScoped reads the project servers of client, whose user folder is dir and whose
// projects keep their settings in PROJECT/sub/settings.json.
func projectScoped(client, dir, sub string) []ScopedServer {
	if dir == "" {
		return nil
	}
	projects := map[string]bool{}
	for _, f := range []struct{ name, member string }{{"projects.json", "projects"}, {"trustedFolders.json", ""}} {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			continue
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		if f.member != "" {
			var inner map[string]json.RawMessage
			if json.Unmarshal(m[f.member], &inner) != nil {
				continue
			}
			m = inner
		}
		for p := range m {
			projects[p] = true
		}
	}
	for _, sub := range []string{"tmp", "history"} {
		roots, _ := filepath.Glob(filepath.Join(dir, sub, "*", ".project_root"))
		for _, root := range roots {
			if b, err := os.ReadFile(root); err == nil {
				projects[strings.TrimSpace(string(b))] = true
			}
		}
	}
	var out []ScopedServer
	for _, project := range slices.Sorted(maps.Keys(projects)) {
		path := filepath.Join(project, sub, "settings.json")
		if !filepath.IsAbs(project) || filepath.Clean(path) == filepath.Clean(filepath.Join(dir, "settings.json")) {
			continue // the home folder's own settings are the user file
		}
		out = append(out, projectServers(client, project, path)...)
	}
	return out
}
