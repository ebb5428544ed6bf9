package clients

import (
	"os"
	"path/filepath"
	"testing"
)

// TestConnectingDoesNotMakeAClientInstalled connects every client on an empty home of each
// system (Apply creates its file and folders, as "Connect" on a client that is not found does)
// and disconnects it again: neither makes the client look installed. Once the client puts
// something of its own beside the file, or changes the file, it is installed.
func TestConnectingDoesNotMakeAClientInstalled(t *testing.T) {
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for _, c := range All() {
			if probe, _ := fakeEnv(t, goos); len(c.Paths(probe)) == 0 {
				continue // Visual Studio outside Windows, say
			}
			t.Run(goos+"/"+c.ID(), func(t *testing.T) {
				env, home := fakeEnv(t, goos)
				backups := BackupDir(filepath.Join(t.TempDir(), "backups"))
				path := c.Paths(env)[0]
				bin := "/opt/mcptray/mcptray"
				if goos == "windows" {
					bin = winBinary
				}
				want := []Entry{NewEntry(bin, "github"), NewEntry(bin, "memory").WithHome(filepath.Join(home, "mcptray-home"))}
				if _, err := Apply(c, path, want, ApplyOptions{Backups: backups}); err != nil {
					t.Fatal(err)
				}
				if isDetected(env, c) {
					t.Fatalf("connected, %s counts as installed", c.Name())
				}
				if _, err := Apply(c, path, nil, ApplyOptions{Backups: backups}); err != nil {
					t.Fatal(err)
				}
				if isDetected(env, c) {
					t.Fatalf("disconnected, %s counts as installed", c.Name())
				}
				if filepath.Dir(path) == home {
					return // ~/.claude.json: see TestAClientsOwnFileMakesItInstalled
				}
				// The client starts and leaves something of its own next to its settings.
				writeFile(t, filepath.Join(filepath.Dir(path), "state.json"), []byte("{}"))
				if !isDetected(env, c) {
					t.Errorf("with a file of its own, %s is not found", c.Name())
				}
			})
		}
	}
}

// TestAClientsOwnFileMakesItInstalled: a configuration file the client wrote, or changed
// after MCP Tray wrote it, shows the client is there.
func TestAClientsOwnFileMakesItInstalled(t *testing.T) {
	env, home := fakeEnv(t, "linux")
	backups := BackupDir(filepath.Join(t.TempDir(), "backups"))
	c := mustClient(t, "cline")
	path := c.Paths(env)[0]
	if _, err := Apply(c, path, []Entry{NewEntry("/opt/mcptray", "github")}, ApplyOptions{Backups: backups}); err != nil {
		t.Fatal(err)
	}
	if isDetected(env, c) {
		t.Fatal("connected, Cline counts as installed")
	}
	// Cline's CLI rewrites the file when it adds a server of its own (cline mcp add).
	src := mustRead(t, path)
	writeFile(t, path, append(src[:len(src)-len("  }\n}\n")], []byte(`,
    "notes": {"transport": {"type": "stdio", "command": "npx", "args": ["-y", "@acme/notes-mcp"]}}
  }
}
`)...))
	if !isDetected(env, c) {
		t.Errorf("with its own entry, Cline is not found:\n%s", mustRead(t, path))
	}
	// Claude Code's ~/.claude.json as Claude Code writes it.
	cc := mustClient(t, "claude-code")
	writeFile(t, filepath.Join(home, ".claude.json"), []byte("{\n  \"numStartups\": 1,\n  \"mcpServers\": {}\n}\n"))
	if !isDetected(env, cc) {
		t.Error("Claude Code's own file: not found")
	}
	if err := os.Remove(filepath.Join(home, ".claude.json")); err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(cc, cc.Paths(env)[0], []Entry{NewEntry("/opt/mcptray", "github")}, ApplyOptions{Backups: backups}); err != nil {
		t.Fatal(err)
	}
	if isDetected(env, cc) {
		t.Error("connected, Claude Code counts as installed")
	}
}

func isDetected(env Env, c Client) bool {
	for _, d := range Detect(env) {
		if d.Client == c {
			return true
		}
	}
	return false
}
