//go:build !windows

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
)

// TestImportOtherManagersThroughTheBinary takes over the setups of ToolHive (its run configs
// under $XDG_STATE_HOME), Docker's MCP Toolkit (~/.docker/mcp) and MCP Router (the export
// its Export button saves, and the rows of its database, given with --file) through the real
// binary, with a daemon running: every server is imported or named with the reason, names
// with escape sequences are shown escaped, a credential written inline or held in ToolHive's
// environment store goes to the keychain and never to any file or output, one in Docker's
// own store is named as still needed, the managers' files are not changed, and the MCP
// Router server (a real program) starts with the key MCP Router put into its command line,
// filled in from the keychain.
func TestImportOtherManagersThroughTheBinary(t *testing.T) {
	const (
		inline  = "sk-proj-mgrE2E0123456789abcdefghijklmn"
		thToken = "thv-secret-mgrE2E0123456789abcdefgh"
		brave   = "BSAmgrE2E9f8e7d6c5b4a3928171605f4e3"
	)
	secrets := []string{inline, thToken, brave}
	keys := keychain.System(keychain.Options{})
	ctx := context.Background()
	forget := func() {
		for _, k := range [][2]string{{"mgr-openai", "OPENAI_API_KEY"}, {"mgr-github", "GITHUB_PERSONAL_ACCESS_TOKEN"}, {"mgr-brave", "BRAVE_API_KEY"}} {
			keys.Delete(ctx, k[0], k[1])
		}
	}
	forget()
	t.Cleanup(forget)

	u := newUser(t)
	state := filepath.Join(u.Dir, "state")
	u.Env = append(u.Env, "XDG_STATE_HOME="+state, "TOOLHIVE_SECRET_mgr-gh-token="+thToken)
	write := func(path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	runconfigs := filepath.Join(state, "toolhive", "runconfigs")
	write(filepath.Join(runconfigs, "mgr-github.json"), `{"schema_version": "v0.1.0", "name": "mgr-github", "image": "ghcr.io/github/github-mcp-server:v0.14.0", "transport": "stdio",
 "secrets": ["mgr-gh-token,target=GITHUB_PERSONAL_ACCESS_TOKEN"], "permission_profile_name_or_path": "network"}`)
	write(filepath.Join(runconfigs, "mgr-openai.json"), `{"schema_version": "v0.1.0", "name": "mgr-openai", "image": "mcp/openai:1.2", "transport": "stdio", "env_vars": {"OPENAI_API_KEY": "`+inline+`"}}`)
	write(filepath.Join(runconfigs, "mgr-fetch.json"), `{"schema_version": "v0.1.0", "name": "mgr-fetch", "image": "ghcr.io/stackloklabs/gofetch/server:1.0.1", "transport": "streamable-http"}`)
	write(filepath.Join(runconfigs, "mgr-evil.json"), `{"schema_version": "v0.1.0", "name": "mgr-evil\u001b[2J", "image": "mcp/evil:1", "transport": "sse"}`)
	runconfigBefore, _ := os.ReadFile(filepath.Join(runconfigs, "mgr-openai.json"))

	out, errs, code := u.Run("client", "import", "toolhive", "--dry-run")
	testbin.AssertNoSecretsIn(t, secrets, "the output of client import toolhive --dry-run", out+errs)
	if code != 0 || !strings.Contains(out, "MCP Tray will take over 2 servers from ToolHive") || !strings.Contains(out, `mgr-evil\x1b[2J: ToolHive runs it as a container that answers over the network (sse)`) ||
		!strings.Contains(out, "mgr-fetch: ToolHive runs it as a container that answers over the network (streamable-http)") || strings.Contains(out+errs, "\x1b") {
		t.Errorf("client import toolhive --dry-run: exit %d\n%s%s", code, out, errs)
	}
	out = u.OK("client", "import", "toolhive", "--yes")
	testbin.AssertNoSecretsIn(t, secrets, "the output of client import toolhive --yes", out)

	dockerDir := filepath.Join(u.Dir, ".docker", "mcp")
	write(filepath.Join(dockerDir, "registry.yaml"), "registry:\n  mgr-docker-gh:\n    ref: \"\"\n  mgr-docker-remote:\n    ref: \"\"\n")
	write(filepath.Join(dockerDir, "catalogs", "docker-mcp.yaml"), `registry:
  mgr-docker-gh:
    type: server
    image: ghcr.io/github/github-mcp-server:v0.14.0
    secrets:
      - name: github.personal_access_token
        env: GITHUB_PERSONAL_ACCESS_TOKEN
  mgr-docker-remote:
    type: remote
    remote:
      url: https://mcp.atlassian.com/v1/sse
`)
	out = u.OK("client", "import", "docker", "--yes")
	for _, want := range []string{"mgr-docker-remote: it is a remote server", `mgr-docker-gh needs GITHUB_PERSONAL_ACCESS_TOKEN (Docker's secret "github.personal_access_token")`,
		"mgr-docker-gh still needs GITHUB_PERSONAL_ACCESS_TOKEN; set it with: mcptray secret set mgr-docker-gh GITHUB_PERSONAL_ACCESS_TOKEN"} {
		if !strings.Contains(out, want) {
			t.Errorf("client import docker says:\n%s\nwant %q", out, want)
		}
	}

	u.Daemon()
	// MCP Router's export as its Export button saves it (exportServersToFile in
	// mcp-router/mcp-router apps/electron/src/renderer/components/useServerFiltering.ts,
	// commit 75308853da63195c87716ba5807422e5bb64ad75): servers by name with command, args
	// and env only; a remote server has an empty command. MCP Router fills {NAME} in the
	// arguments from the server's settings when it starts it.
	router := filepath.Join(u.Dir, "Downloads", "mcp-servers-2026-09-20.json")
	export, _ := json.MarshalIndent(map[string]any{"mcpServers": map[string]any{
		"mgr-brave":  map[string]any{"command": fake, "args": []string{"-hello", "{BRAVE_API_KEY}"}, "env": map[string]string{"BRAVE_API_KEY": brave}},
		"mgr-linear": map[string]any{"command": "", "args": []string{}, "env": map[string]string{}},
	}}, "", "  ")
	// With no export in the Downloads folder yet, the import says how to make one or name it.
	if _, errs, code := u.Run("client", "import", "mcprouter", "--yes"); code != 1 || !strings.Contains(errs, "--file") || !strings.Contains(errs, "Export button") {
		t.Errorf("client import mcprouter without --file: exit %d, %q", code, errs)
	}
	write(router, string(export))
	out = u.OK("client", "import", "mcprouter", "--yes")
	if !strings.Contains(out, "mgr-linear: it is a remote server, and MCP Router's export leaves out its address") || !strings.Contains(out, "MCP Router put BRAVE_API_KEY into its command line") ||
		!strings.Contains(out, "MCP Tray is starting the servers now.") {
		t.Errorf("client import mcprouter says:\n%s", out)
	}
	testbin.AssertNoSecretsIn(t, secrets, "the output of client import mcprouter", out)

	// The rows of MCP Router's servers table, as sqlite3 -json prints them, carry what the
	// export leaves out: tools switched off, servers switched off, a remote server's token.
	rows, err := os.ReadFile(filepath.Join("..", "..", "clients", "testdata", "mcprouter", "servers-table.json"))
	if err != nil {
		t.Fatal(err)
	}
	table := filepath.Join(u.Dir, "mcp-router-servers.json")
	write(table, string(rows))
	out, errs, code = u.Run("client", "import", "mcprouter", "--file", table, "--dry-run")
	for _, want := range []string{"MCP Tray will take over 2 servers from MCP Router", "MCP Tray denies delete_file, push_files", "linear: it is a remote server; add it yourself",
		"time: it is switched off in MCP Router", "Nothing was changed (--dry-run)."} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("client import mcprouter --dry-run on the servers table: exit %d, want %q in\n%s%s", code, want, out, errs)
		}
	}
	testbin.AssertNoSecretsIn(t, []string{"ghp_FAKEtest0123456789abcdefghijklmnopqr", "lin_api_FAKEtest0123456789abcdefghijklmnop"}, "the output of client import mcprouter --dry-run", out+errs)
	os.Remove(table)
	u.WaitRunning("mgr-brave")

	cfg, err := config.Home(u.Home).Load()
	if err != nil {
		t.Fatal(err)
	}
	for name, secret := range map[string]string{"mgr-openai": "OPENAI_API_KEY", "mgr-github": "GITHUB_PERSONAL_ACCESS_TOKEN", "mgr-docker-gh": "GITHUB_PERSONAL_ACCESS_TOKEN", "mgr-brave": "BRAVE_API_KEY"} {
		if s := cfg.Servers[name]; s == nil || len(s.Secrets) != 1 || s.Secrets[0] != secret {
			t.Errorf("%s arrived as %+v", name, s)
		}
	}
	if s := cfg.Servers["mgr-brave"]; s == nil || strings.Join(s.Args, " ") != "-hello ${secret:BRAVE_API_KEY}" {
		t.Errorf("mgr-brave arrived as %+v", s)
	}
	for ref, want := range map[[2]string]string{{"mgr-openai", "OPENAI_API_KEY"}: inline, {"mgr-github", "GITHUB_PERSONAL_ACCESS_TOKEN"}: thToken, {"mgr-brave", "BRAVE_API_KEY"}: brave} {
		if v, err := keys.Get(ctx, ref[0], ref[1]); err != nil || v != want {
			t.Errorf("the keychain does not hold %s/%s (%v)", ref[0], ref[1], err)
		}
	}
	if after, _ := os.ReadFile(filepath.Join(runconfigs, "mgr-openai.json")); string(after) != string(runconfigBefore) {
		t.Error("the import changed ToolHive's run config")
	}
	// ToolHive's and MCP Router's own files keep what they held; nothing MCP Tray wrote may.
	os.Remove(filepath.Join(runconfigs, "mgr-openai.json"))
	os.Remove(router)
	testbin.AssertNoSecrets(t, secrets, u.Dir)
}
