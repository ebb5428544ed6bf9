package install

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/pyindex"
	"github.com/mcptray/mcptray/internal/testbin"
)

// tinyServer is a minimal MCP server over stdio in Python: it answers initialize, ping,
// tools/list (one tool, shout) and tools/call; shout uses the dependency's function, so the
// server works only if the dependency was installed too.
const tinyServer = `import json, sys
from tinyhelper import shout

TOOL = {"name": "shout", "description": "Repeats the text in capitals.",
        "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}}

def answer(msg):
    method, params = msg.get("method"), msg.get("params") or {}
    if method == "initialize":
        return {"protocolVersion": params.get("protocolVersion", "2025-06-18"), "capabilities": {"tools": {}},
                "serverInfo": {"name": "tiny-mcp", "version": "1.0.0"}}
    if method == "ping":
        return {}
    if method == "tools/list":
        return {"tools": [TOOL]}
    if method == "tools/call":
        text = (params.get("arguments") or {}).get("text", "")
        return {"content": [{"type": "text", "text": shout(text)}]}
    raise LookupError(method)

def main():
    for line in sys.stdin:
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        if "id" not in msg or "method" not in msg:
            continue
        try:
            out = {"jsonrpc": "2.0", "id": msg["id"], "result": answer(msg)}
        except LookupError:
            out = {"jsonrpc": "2.0", "id": msg["id"], "error": {"code": -32601, "message": "no such method"}}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
`

// withoutEnv is env without the named variables.
func withoutEnv(env []string, names ...string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return slices.Contains(names, k)
	})
}

// TestPyPIServerInstalledFromLockStartsOffline installs a Python server from a registry
// entry whose package lives on a local Python index (a hazard the person allows): pip
// resolves it and its dependency into requirements.lock with their sha256, a virtual
// environment in servers/NAME/VERSION gets exactly the lock, and the server is saved to run
// as the environment's own script. With the index gone, MCP Tray starts it and a real client
// lists and calls its tool through `mcptray connect`; a changed file in the environment then
// stops it with the sentence naming the file.
func TestPyPIServerInstalledFromLockStartsOffline(t *testing.T) {
	ix, helper, helperWhl, server, serverWhl := tinyIndex(t)

	reg := newRegistry(t, fmt.Sprintf(`{"name": "io.github.acme/tiny-mcp", "description": "A tiny Python server.", "version": "1.0.0",
		"packages": [{"registryType": "pypi", "identifier": "tiny-mcp", "version": "1.0.0", "transport": {"type": "stdio"},
			"runtimeArguments": [{"type": "named", "name": "--index-url", "value": %q}]}]}`, ix.SimpleURL()))
	u := newUser(t, reg.URL, testbin.NpmCache())
	// Nothing of this machine's own Python settings helps: bytecode is written as usual.
	u.Env = withoutEnv(u.Env, "PYTHONDONTWRITEBYTECODE")

	out, errs, code := u.RunInput("", "install", "io.github.acme/tiny-mcp")
	if code == 0 || !strings.Contains(errs, "--allow arg:--index-url") {
		t.Fatalf("an install from another Python index did not ask for consent: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"It will install tiny-mcp==1.0.0 from " + ix.SimpleURL() + " into MCP Tray's own folder", "It will run: python <tiny-mcp>"} {
		if !strings.Contains(out, want) {
			t.Errorf("install does not show %q:\n%s", want, out)
		}
	}
	out, errs, code = u.RunInput("", "install", "io.github.acme/tiny-mcp", "--allow", "arg:--index-url")
	if code != 0 {
		logs, _, _ := u.Run("logs", "tiny-mcp")
		script, _ := os.ReadFile(filepath.Join(u.Home, "servers", "tiny-mcp", "1.0.0", "venv", "bin", "tiny-mcp"))
		t.Fatalf("install: exit %d\n%s%s\nits log:\n%s\nits script:\n%s", code, out, errs, logs, script)
	}
	t.Logf("install said:\n%s", out)
	for _, want := range []string{"Resolving tiny-mcp==1.0.0", "checked against the lock"} {
		if !strings.Contains(out, want) {
			t.Errorf("install says nothing like %q:\n%s", want, out)
		}
	}
	name := "tiny-mcp"
	s, ok := frozenServers(t, u)[name]
	dir := filepath.Join(u.Home, "servers", name, "1.0.0")
	script := filepath.Join(dir, "venv", "bin", "tiny-mcp")
	python := filepath.Join(dir, "venv", "bin", "python")
	if !ok || s.Frozen == nil || s.Frozen.Registry != "pypi" || s.Frozen.Package != "tiny-mcp" || s.Frozen.Dir != dir ||
		s.Command != python || !slices.Equal(s.Args, []string{script}) || !strings.HasPrefix(s.Frozen.Tree, "sha256:") {
		t.Fatalf("config.json's %s: %+v; want %s %s, installed into %s", name, s, python, script, dir)
	}
	lock, err := os.ReadFile(filepath.Join(dir, "requirements.lock"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	if s.Frozen.Lock != "sha256:"+hex.EncodeToString(sum[:]) {
		t.Errorf("frozen.lock %s is not the sha256 of requirements.lock", s.Frozen.Lock)
	}
	for _, p := range [][2]string{{"tiny-helper==0.1.0", helper}, {"tiny-mcp==1.0.0", server}} {
		files := map[string][]byte{helper: helperWhl, server: serverWhl}
		h := sha256.Sum256(files[p[1]])
		if !strings.Contains(string(lock), p[0]+" --hash=sha256:"+hex.EncodeToString(h[:])) {
			t.Errorf("requirements.lock does not lock %s with its wheel's sha256:\n%s", p[0], lock)
		}
	}
	// The script names the installed environment's python (in its first line, or through
	// /bin/sh when the path is too long for one), not the folder it was built in.
	if b, _ := os.ReadFile(script); !strings.Contains(string(b), python+" ") || strings.Contains(string(b), ".build-") {
		t.Errorf("the script does not run the installed environment's python:\n%.300s", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "venv", "pyvenv.cfg")); strings.Contains(string(b), ".build-") {
		t.Errorf("pyvenv.cfg names the build folder:\n%s", b)
	}

	// The index goes away; MCP Tray starts again and the server runs from its folder alone.
	stopDaemon(t, u)
	ix.Close()
	u.Daemon()
	u.WaitRunning(name)
	if tools := tsListTools(t, u, name); !slices.Equal(tools, []string{"shout"}) {
		t.Errorf("tiny-mcp offline lists %v; want [shout]", tools)
	}
	u.OK("policy", "set", name, "shout", "allow")
	res, _ := testbin.NodeClient(t, u.Env, "call", "shout", `{"text":"hello offline"}`, "--", u.Bin, "connect", name)
	if !strings.Contains(string(res), "HELLO OFFLINE!") {
		t.Errorf("calling shout offline: %s", res)
	}
	// Running it wrote nothing into its tree: it starts again, verified.
	u.OK("server", "restart", name)
	u.WaitRunning(name)
	if tools := tsListTools(t, u, name); !slices.Equal(tools, []string{"shout"}) {
		t.Errorf("tiny-mcp after a restart lists %v; want [shout]", tools)
	}

	changed := filepath.Join("venv", "lib", "python3."+pythonMinor(t), "site-packages", "tinyhelper", "__init__.py")
	if err := os.WriteFile(filepath.Join(dir, changed), []byte("def shout(text):\n    return 'pwned'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u.OK("server", "restart", name)
	u.Eventually(name+" fails", func() bool { return u.State(name).State == "failed" })
	want := "The installed files of " + name + " were changed since MCP Tray installed them (" + changed + "); reinstall it"
	if status := u.OK("server", "status", name); !strings.Contains(status, want) {
		t.Errorf("server status says no %q:\n%s", want, status)
	}
	if st := u.State(name); st.State != "failed" || st.Restarts != 0 {
		t.Errorf("%s after the change: %+v; want failed without restarts", name, st)
	}
}

// tinyIndex serves a local PEP 503 index with tiny-mcp 1.0.0 (a Python MCP server with one
// tool, shout) and tiny-helper 0.1.0, which it depends on: the wheels' file names and bytes.
// It needs python3 with pip and venv, and the official SDK client to talk to the server.
func tinyIndex(t *testing.T) (ix *pyindex.Index, helper string, helperWhl []byte, server string, serverWhl []byte) {
	t.Helper()
	testbin.NeedNode(t, "@modelcontextprotocol/sdk")
	if out, err := exec.Command("python3", "-m", "pip", "--version").CombinedOutput(); err != nil {
		t.Fatalf("this test needs python3 with pip and venv (python3 -m pip --version: %v %s)", err, out)
	}
	ix = pyindex.New()
	t.Cleanup(ix.Close)
	helper, helperWhl = pyindex.Wheel("tiny-helper", "0.1.0", map[string]string{
		"tinyhelper/__init__.py": "def shout(text):\n    return text.upper() + '!'\n",
	}, nil, nil)
	server, serverWhl = pyindex.Wheel("tiny-mcp", "1.0.0", map[string]string{
		"tinymcp/__init__.py": "",
		"tinymcp/server.py":   tinyServer,
	}, []string{"tiny-helper==0.1.0"}, map[string]string{"tiny-mcp": "tinymcp.server:main"})
	ix.Add("tiny-helper", helper, helperWhl)
	ix.Add("tiny-mcp", server, serverWhl)
	return ix, helper, helperWhl, server, serverWhl
}

// pythonMinor is python3's minor version ("11" for 3.11), which names site-packages' folder.
func pythonMinor(t testing.TB) string {
	out, err := exec.Command("python3", "-c", "import sys; print(sys.version_info[1])").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}
