package supervisor

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/sandbox"
)

func sandboxOptions(t *testing.T) SandboxOptions {
	home := t.TempDir()
	app := filepath.Join(home, "app")
	return SandboxOptions{Home: home, AppHome: app, Socket: filepath.Join(app, "mcptray.sock"),
		StateRoot: filepath.Join(app, "servers"), TempRoot: filepath.Join(app, "tmp")}
}

// TestConfinedServerRunsAndStops: a confined server runs as the supervisor's own child (the
// helper execs in place), confined (no_new_privs, its own user namespace), writes where it
// was given, and Stop still takes down its whole tree.
func TestConfinedServerRunsAndStops(t *testing.T) {
	testbin.NeedSandbox(t)
	o := sandboxOptions(t)
	s := newSup(t, Options{Sandbox: o})
	out := t.TempDir()
	pidfile := filepath.Join(out, "grandchild.pid")
	s.Apply([]Spec{{Name: "boxed", Command: fake, Args: []string{"-ignore-term", "-grandchild", pidfile},
		Confined: true, Sandbox: sandbox.Spec{Write: []string{out}}}})
	st := waitStatus(t, s, "boxed", "running", running)
	gc := grandchildOf(t, st.Pid, pidfile)
	exe, _ := os.Readlink("/proc/" + strconv.Itoa(st.Pid) + "/exe")
	if exe != fake {
		t.Errorf("pid %d runs %s, want the server %s", st.Pid, exe, fake)
	}
	status, _ := os.ReadFile("/proc/" + strconv.Itoa(st.Pid) + "/status")
	if !strings.Contains(string(status), "NoNewPrivs:\t1") {
		t.Errorf("the server is not confined:\n%s", status)
	}
	ns, _ := os.Readlink("/proc/" + strconv.Itoa(st.Pid) + "/ns/mnt")
	own, _ := os.Readlink("/proc/self/ns/mnt")
	if ns == own {
		t.Error("the server shares MCP Tray's mount namespace, so MCP Tray's socket is not hidden")
	}
	waitLog(t, s.Logs("boxed"), "confined: can read and change files in ")
	if err := s.Stop(context.Background(), "boxed"); err != nil {
		t.Fatal(err)
	}
	for _, pid := range []int{st.Pid, gc} {
		if testbin.Alive(pid) {
			t.Errorf("pid %d survived Stop", pid)
		}
	}
	if _, err := os.Stat(filepath.Join(o.StateRoot, "boxed")); err != nil {
		t.Errorf("no state folder: %v", err)
	}
}

// TestSandboxRefusalIsLoggedReadably: what the server was not given fails, and its log says
// so in one plain line.
func TestSandboxRefusalIsLoggedReadably(t *testing.T) {
	testbin.NeedSandbox(t)
	o := sandboxOptions(t)
	secret := filepath.Join(o.Home, ".ssh", "tools.json")
	os.MkdirAll(filepath.Dir(secret), 0o700)
	os.WriteFile(secret, []byte("[]"), 0o600)
	s := newSup(t, Options{Sandbox: o})
	s.Apply([]Spec{{Name: "nosy", Command: fake, Args: []string{"-tools", secret}, Confined: true}})
	waitLog(t, s.Logs("nosy"), "tried to open ~/.ssh/tools.json: not allowed by its sandbox")
}

// TestDaemonKill9LeavesNoConfinedServer: a confined server (in its own namespaces, started
// through the helper) and its grandchild still die with a daemon killed by SIGKILL.
func TestDaemonKill9LeavesNoConfinedServer(t *testing.T) {
	testbin.NeedSandbox(t)
	daemonKill9(t, "SUPERVISOR_TEST_CONFINED=1")
}

// TestConfinedServerGetsNoTokensOfTheSession: MCP Tray's environment (the person's session's,
// or the AI app's that started it) holds tokens; a confined server gets none of them, but its
// own variables and what programs need (red team: GITHUB_TOKEN and AWS_SECRET_ACCESS_KEY
// reached a confined server).
func TestConfinedServerGetsNoTokensOfTheSession(t *testing.T) {
	testbin.NeedSandbox(t)
	env := append(os.Environ(), "GITHUB_TOKEN=ghp_session0123456789abcdefghijABCDEF", "AWS_SECRET_ACCESS_KEY=aws-session-secret",
		"LANG=C.UTF-8")
	s := newSup(t, Options{Sandbox: sandboxOptions(t), Env: env})
	s.Apply([]Spec{{Name: "boxed", Command: fake, Confined: true, Env: map[string]string{"MY_API_KEY": "given-by-the-person"}}})
	st := waitStatus(t, s, "boxed", "running", running)
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(st.Pid) + "/environ")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(string(raw), "\x00")
	for _, gone := range []string{"GITHUB_TOKEN=", "AWS_SECRET_ACCESS_KEY="} {
		if slices.ContainsFunc(got, func(kv string) bool { return strings.HasPrefix(kv, gone) }) {
			t.Errorf("the confined server's environment has %s…", gone)
		}
	}
	for _, kept := range []string{"MY_API_KEY=given-by-the-person", "LANG=C.UTF-8"} {
		if !slices.Contains(got, kept) {
			t.Errorf("the confined server's environment lacks %s: %q", kept, got)
		}
	}
}
