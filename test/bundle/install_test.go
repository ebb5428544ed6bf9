package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestInstallSignedBundle installs a bundle packed and signed by the real mcpb tool, the way
// a person would: the secret setting piped on standard input, the folder given with --set.
// It checks what install says about the signer, that the secret is in the keychain only,
// that the server was unpacked read-only into MCP Tray's folder with the bundle's sha256
// recorded and runs confined, and that a file changed after the install stops it with a
// sentence naming the file; removing it deletes the unpacked files.
func TestInstallSignedBundle(t *testing.T) {
	needKeyring(t)
	const secret = "sk-bundle-7c1e0f93"
	file := packBundle(t, helloManifest)
	runMCPB(t, filepath.Dir(file), "sign", file, "--self-signed")
	raw, _ := os.ReadFile(file)
	sum := sha256.Sum256(raw)
	sha := hex.EncodeToString(sum[:])

	u := newUser(t)
	docs := filepath.Join(u.Dir, "Documents")
	out, errs, code := u.RunInput(secret+"\n", "install", file, "--set", "root=~/Documents", "--client", "cursor")
	if code != 0 {
		t.Fatalf("install %s: exit %d\n%s%s", file, code, out, errs)
	}
	if strings.Contains(out+errs, secret) {
		t.Fatalf("install printed the secret:\n%s%s", out, errs)
	}
	for _, want := range []string{
		"Installing Hello Bundle (version 1.0.0) as the server \"hello-bundle\".",
		"sha256 " + sha,
		"Signed by MCPB Self-Signed Certificate (MCPB Extensions) with a certificate that vouches only for itself",
		"Secrets, kept in the system keychain only: api_key",
		"Installed hello-bundle (Hello Bundle, version 1.0.0).",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("install did not say %q:\n%s", want, out)
		}
	}
	dir := filepath.Join(u.Home, "servers", "hello-bundle", "1.0.0")
	s, ok := u.ConfigServers()["hello-bundle"]
	switch {
	case !ok:
		t.Fatal("config.json has no server hello-bundle")
	case s.Command != filepath.Join(dir, "server", "fake"):
		t.Errorf("command %q, want the bundle's own program in %s", s.Command, dir)
	case !slices.Equal(s.Args, []string{"--hello", "root is " + docs}):
		t.Errorf("args %q", s.Args)
	case s.Env["ROOT"] != docs || s.Env["API_KEY"] != "":
		t.Errorf("env %v; want ROOT and no API_KEY value", s.Env)
	case !slices.Equal(s.Secrets, []string{"API_KEY"}):
		t.Errorf("secrets %v", s.Secrets)
	case s.Frozen == nil || s.Frozen.Registry != "mcpb" || s.Frozen.Dir != dir || s.Frozen.Lock != "sha256:"+sha:
		t.Errorf("frozen %+v; want the unpacked bundle pinned to sha256:%s", s.Frozen, sha)
	case s.Sandbox == nil || !slices.Equal(s.Sandbox.Write, []string{docs}):
		t.Errorf("sandbox %+v; want the folder setting, to write", s.Sandbox)
	}
	if got := keychainValue(t, "hello-bundle", "API_KEY"); got != secret {
		t.Errorf("the keychain holds %q for API_KEY", got)
	}
	if info, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil || info.Mode().Perm()&0o222 != 0 {
		t.Errorf("the unpacked manifest.json is writable or missing: %v %v", info.Mode(), err)
	}
	if status := u.OK("server", "status", "hello-bundle"); !strings.Contains(status, "hello-bundle can read and change files in Documents") {
		t.Errorf("server status does not say what the bundle may touch:\n%s", status)
	}
	if logs := u.OK("logs", "hello-bundle"); !strings.Contains(logs, "confined") {
		t.Errorf("the server's log does not say it runs confined:\n%s", logs)
	}

	changed := filepath.Join(dir, "manifest.json")
	os.Chmod(changed, 0o644)
	f, err := os.OpenFile(changed, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n")
	f.Close()
	// A bundle names no registry entry: update says what to do instead of asking the registry.
	if out, errOut, code := u.Run("update", "hello-bundle"); code == 0 || !strings.Contains(errOut, "was installed from a bundle file") {
		t.Errorf("update of a bundle's server: exit %d\n%s%s", code, out, errOut)
	}
	u.OK("server", "restart", "hello-bundle")
	u.Eventually("hello-bundle fails", func() bool { return u.State("hello-bundle").State == "failed" })
	want := "The installed files of hello-bundle were changed since MCP Tray installed them (manifest.json)"
	if status := u.OK("server", "status", "hello-bundle"); !strings.Contains(status, want) {
		t.Errorf("server status says no %q:\n%s", want, status)
	}

	if out := u.OK("server", "remove", "hello-bundle"); !strings.Contains(out, "Deleted its installed files.") {
		t.Errorf("server remove said:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(u.Home, "servers", "hello-bundle")); !os.IsNotExist(err) {
		t.Errorf("the unpacked bundle is still there after remove: %v", err)
	}
}

// TestInstallRefusesBundles: a bundle changed after it was signed, hostile archives, a
// bundle for another platform and one that sets LD_PRELOAD (without --allow) are refused
// with one sentence and leave nothing behind (no server, no unpacked files, nothing written outside).
func TestInstallRefusesBundles(t *testing.T) {
	signed := packBundle(t, helloManifest)
	runMCPB(t, filepath.Dir(signed), "sign", signed, "--self-signed")
	raw, _ := os.ReadFile(signed)
	raw[200] ^= 0xff
	tampered := filepath.Join(t.TempDir(), "tampered.mcpb")
	os.WriteFile(tampered, raw, 0o644)

	manifest := `{"manifest_version":"0.3","name":"evil","version":"1.0.0","description":"d","author":{"name":"a"},
	 "server":{"type":"node","entry_point":"index.js","mcp_config":{"command":"node","args":["${__dirname}/index.js"]}}}`
	u := newUser(t)
	outside := filepath.Join(u.Dir, "pwned")
	rel, _ := filepath.Rel(filepath.Join(u.Home, "servers", "evil", "1.0.0"), outside)
	cases := []struct {
		name, file, want string
	}{
		{"changed after signing", tampered, "The bundle's signature does not match its contents: it was changed after it was signed, so it was not opened."},
		{"zip slip", handBundle(t, [2]string{"manifest.json", manifest}, [2]string{"index.js", "1"}, [2]string{filepath.ToSlash(rel), "x"}), "leaves the bundle"},
		{"duplicate manifest key", handBundle(t, [2]string{"manifest.json", strings.Replace(manifest, `"command":"node"`, `"command":"node","command":"sh"`, 1)}, [2]string{"index.js", "1"}), `gives "server.mcp_config.command" twice`},
		{"case variant names", handBundle(t, [2]string{"manifest.json", manifest}, [2]string{"index.js", "1"}, [2]string{"INDEX.js", "2"}), "the same file on Windows and macOS"},
		{"entry point outside", handBundle(t, [2]string{"manifest.json", strings.Replace(manifest, `"entry_point":"index.js"`, `"entry_point":"../../index.js"`, 1)}, [2]string{"index.js", "1"}), "is outside the bundle"},
		{"other platform", packBundle(t, strings.Replace(helloManifest, `["linux", "darwin", "win32"]`, `["win32"]`, 1)), "Hello Bundle is made for Windows only, not for this computer"},
		{"code loaded into every program", packBundle(t, strings.Replace(helloManifest, `"ROOT": "${user_config.root}"`, `"ROOT": "${user_config.root}", "LD_PRELOAD": "${__dirname}/server/fake"`, 1)), "needs your consent for LD_PRELOAD"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := u.RunInput("sk-refused\n", "install", c.file, "--yes")
			if code == 0 || !strings.Contains(errs, c.want) {
				t.Fatalf("install: exit %d, want a refusal saying %q\n%s%s", code, c.want, out, errs)
			}
			if strings.Count(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(errs), "Run 'mcptray --help' for usage.")), "\n") > 0 {
				t.Errorf("the refusal is more than one line:\n%s", errs)
			}
		})
	}
	if servers := u.ConfigServers(); len(servers) != 0 {
		t.Errorf("config.json has servers after refusals: %v", servers)
	}
	if _, err := os.Stat(filepath.Join(u.Home, "servers")); !os.IsNotExist(err) {
		t.Errorf("refused bundles left files in MCP Tray's folder: %v", err)
	}
	if _, err := os.Stat(outside); !os.IsNotExist(err) {
		t.Errorf("the zip-slip entry was written at %s", outside)
	}
}
