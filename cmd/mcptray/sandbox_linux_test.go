package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
)

func noNewPrivs(t *testing.T, pid int) bool {
	t.Helper()
	// The pid is the sandbox helper's until it has confined itself and exec'd the server.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "NoNewPrivs:\t1") || time.Now().After(deadline) {
			return strings.Contains(string(b), "NoNewPrivs:\t1")
		}
	}
}

// TestServerSandboxCommand: a server added by hand runs unconfined with a one-line offer;
// `server sandbox` confines it, grants it a folder and takes its network; status says so in
// a sentence; --off lets it run unconfined again, as the person chose.
func TestServerSandboxCommand(t *testing.T) {
	testbin.NeedSandbox(t)
	u := newUser(t)
	u.OK("server", "add", "demo", "--", fake)
	if out := u.OK("server", "sandbox", "demo"); !strings.Contains(out, "demo runs without a sandbox: it can touch everything you can (to confine it: mcptray server sandbox demo --on)") {
		t.Errorf("unconfined server: %q", out)
	}
	out := u.OK("server", "sandbox", "demo", "--write", "~/notes", "--read", "/srv/data", "--network", "off")
	if want := "demo can read and change files in notes; can read files in /srv/data; cannot use the internet."; !strings.Contains(out, want) {
		t.Errorf("sandbox says %q, want %q", out, want)
	}
	var cfg struct {
		Servers map[string]struct{ Sandbox json.RawMessage }
	}
	b, _ := os.ReadFile(filepath.Join(u.Home, "config.json"))
	json.Unmarshal(b, &cfg)
	var got map[string]any
	json.Unmarshal(cfg.Servers["demo"].Sandbox, &got)
	if b, _ := json.Marshal(got); string(b) != `{"network":false,"read":["/srv/data"],"write":["~/notes"]}` {
		t.Errorf("config.json sandbox = %s", b)
	}
	u.Daemon()
	st := u.WaitRunning("demo")
	if !noNewPrivs(t, st.Pid) {
		t.Errorf("demo (pid %d) does not run confined", st.Pid)
	}
	if out := u.OK("server", "status", "demo"); !strings.Contains(out, "demo can read and change files in notes; can read files in /srv/data; cannot use the internet.") {
		t.Errorf("status says %q", out)
	}
	if _, errs, code := u.Run("server", "sandbox", "demo", "--network", "maybe"); code != 2 || !strings.Contains(errs, "--network takes on or off") {
		t.Errorf("--network maybe: exit %d, %q", code, errs)
	}
	if out := u.OK("server", "sandbox", "demo", "--off"); !strings.Contains(out, "demo runs without a sandbox, as you chose") {
		t.Errorf("--off says %q", out)
	}
	u.Eventually("demo restarts unconfined", func() bool {
		s := u.State("demo")
		return s.State == "running" && s.Pid != st.Pid && !noNewPrivs(t, s.Pid)
	})
	b, _ = os.ReadFile(filepath.Join(u.Home, "config.json"))
	if !strings.Contains(string(b), `"sandbox": false`) && !strings.Contains(string(b), `"sandbox":false`) {
		t.Errorf("config.json does not record the choice:\n%s", b)
	}
}

// TestHostileServerThroughTheBinary runs the hostile probe as a confined server of the real
// daemon: it tries to read keys, credentials, MCP Tray's config and another server's folder
// and the keyring, to write outside its folders, to connect to the control socket and to a
// TCP listener, with network off. Every attempt fails and each shows once in its log, in
// one plain line.
func TestHostileServerThroughTheBinary(t *testing.T) {
	testbin.NeedSandbox(t)
	probe, err := testbin.SandboxProbe()
	if err != nil {
		t.Fatal(err)
	}
	u := newUser(t)
	home, app := u.Dir, u.Home
	files := map[string]string{
		"ssh":     filepath.Join(home, ".ssh", "id_rsa"),
		"aws":     filepath.Join(home, ".aws", "credentials"),
		"other":   filepath.Join(app, "state", "other", "memory.json"),
		"keyring": filepath.Join(home, ".local", "share", "keyrings", "login.keyring"),
	}
	for _, p := range files {
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.WriteFile(p, []byte("secret"), 0o600)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
			t.Error("the confined server reached the TCP listener")
		}
	}()
	socket := filepath.Join(app, "mcptray.sock")
	attempts := []string{"-stay",
		"read=" + files["ssh"], "read=" + files["aws"], "read=" + filepath.Join(app, "config.json"),
		"read=" + files["other"], "read=" + files["keyring"],
		"write=" + filepath.Join(home, ".bashrc"), "write=" + filepath.Join(app, "config.json"),
		"unix=" + socket, "tcp=" + ln.Addr().String()}
	u.OK(append([]string{"server", "add", "hostile", "--"}, append([]string{probe}, attempts...)...)...)
	u.OK("server", "sandbox", "hostile", "--network", "off")
	u.Daemon()
	u.WaitRunning("hostile")
	want := []string{
		"tried to open ~/.ssh/id_rsa: not allowed by its sandbox",
		"tried to open ~/.aws/credentials: not allowed by its sandbox",
		"tried to open ~/mcptray/config.json: not allowed by its sandbox",
		"tried to open ~/mcptray/state/other/memory.json: not allowed by its sandbox",
		"tried to open ~/.local/share/keyrings/login.keyring: not allowed by its sandbox",
		"tried to open ~/.bashrc: not allowed by its sandbox",
		"tried to connect to ~/mcptray/mcptray.sock: not allowed by its sandbox",
		"tried to use the network (" + ln.Addr().String() + "): not allowed by its sandbox",
	}
	var logs string
	u.Eventually("every refusal is in the log", func() bool {
		logs = u.OK("logs", "hostile")
		for _, w := range want {
			if !strings.Contains(logs, w) {
				return false
			}
		}
		return true
	})
	for _, w := range want {
		if n := strings.Count(logs, w); n != 1 {
			t.Errorf("%q is in the log %d times:\n%s", w, n, logs)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(app, "config.json")); !strings.Contains(string(b), "hostile") {
		t.Errorf("MCP Tray's config.json was overwritten:\n%s", b)
	}
	if _, err := os.Stat(filepath.Join(home, ".bashrc")); err == nil {
		t.Error("the server planted ~/.bashrc")
	}
}
