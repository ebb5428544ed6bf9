package testbin

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
)

// User is a person at a terminal with their own HOME and MCP Tray home, running the real
// mcptray binary. No display: `mcptray` alone runs the daemon.
type User struct {
	T    testing.TB
	Bin  string // the mcptray binary
	Dir  string // HOME
	Home string // MCPTRAY_HOME
	Env  []string

	// secrets are the values given to SetSecret: no output of Run and, at the end of the
	// test, no file under HOME may hold one.
	secrets []string
}

// SetSecret runs `mcptray secret set SERVER KEY` with value on standard input, as a script
// would, and fails the test if it does not succeed. From then on every output of Run (and OK)
// is checked for the value, and when the test ends every file under HOME and the MCP Tray home
// is: MCP Tray keeps secrets in the keychain only.
func (u *User) SetSecret(server, key, value string) string {
	u.T.Helper()
	if len(u.secrets) == 0 {
		u.T.Cleanup(func() { AssertNoSecrets(u.T, u.secrets, u.Dir, u.Home) })
	}
	u.secrets = append(u.secrets, value)
	cmd := u.Command("secret", "set", server, key)
	cmd.Stdin = strings.NewReader(value + "\n")
	out, err := cmd.CombinedOutput()
	AssertNoSecretsIn(u.T, u.secrets, "the output of mcptray secret set", string(out))
	if err != nil {
		u.T.Fatalf("mcptray secret set %s %s: %v\n%s", server, key, err, out)
	}
	return string(out)
}

// NewUser builds (once) the mcptray binary and returns a fresh user.
func NewUser(t testing.TB) *User {
	t.Helper()
	bin, err := MCPTray()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	u := &User{T: t, Bin: bin, Dir: dir, Home: filepath.Join(dir, "mcptray")}
	u.Env = append(os.Environ(), "MCPTRAY_HOME="+u.Home, "HOME="+dir, "DISPLAY=", "WAYLAND_DISPLAY=")
	return u
}

// NewBenchUser is NewUser whose binary is $MCPTRAY_BIN (the real build `make bench`
// measures) when that is set.
func NewBenchUser(b *testing.B) *User {
	u := NewUser(b)
	if p := os.Getenv("MCPTRAY_BIN"); p != "" {
		u.Bin = p
	}
	return u
}

// Command returns an exec.Cmd for mcptray with the user's environment.
func (u *User) Command(args ...string) *exec.Cmd {
	cmd := exec.Command(u.Bin, args...)
	cmd.Env = u.Env
	return cmd
}

// Run runs mcptray and returns stdout, stderr and the exit code.
func (u *User) Run(args ...string) (string, string, int) {
	u.T.Helper()
	return u.run(u.Command(args...), args)
}

// RunInput is Run with stdin as mcptray's standard input (answers to its questions, a
// secret typed at its prompt).
func (u *User) RunInput(stdin string, args ...string) (string, string, int) {
	u.T.Helper()
	cmd := u.Command(args...)
	cmd.Stdin = strings.NewReader(stdin)
	return u.run(cmd, args)
}

func (u *User) run(cmd *exec.Cmd, args []string) (string, string, int) {
	u.T.Helper()
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		u.T.Fatal(err)
	}
	if len(u.secrets) > 0 {
		AssertNoSecretsIn(u.T, u.secrets, "the output of mcptray "+strings.Join(args, " "), out.String()+errb.String())
	}
	return out.String(), errb.String(), code
}

// ConfigServers reads the servers of the user's config.json as MCP Tray's config package
// reads them.
func (u *User) ConfigServers() map[string]config.Server {
	u.T.Helper()
	b, err := os.ReadFile(filepath.Join(u.Home, "config.json"))
	if err != nil {
		u.T.Fatal(err)
	}
	var c struct {
		Servers map[string]config.Server `json:"servers"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		u.T.Fatal(err)
	}
	return c.Servers
}

// OK runs mcptray and fails the test unless it exits 0; it returns stdout.
func (u *User) OK(args ...string) string {
	u.T.Helper()
	out, errs, code := u.Run(args...)
	if code != 0 {
		u.T.Fatalf("mcptray %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// Daemon starts `mcptray daemon`, waits until it answers, and stops it at cleanup.
func (u *User) Daemon() *exec.Cmd {
	u.T.Helper()
	cmd := u.Command("daemon")
	if err := cmd.Start(); err != nil {
		u.T.Fatal(err)
	}
	u.T.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	// No event says a daemon began to listen: `server status` is asked until it answers.
	u.Eventually("the daemon answers", func() bool { _, _, code := u.Run("server", "status"); return code == 0 })
	return cmd
}

// Eventually polls ok until it holds, failing after 20 s. It is for conditions the daemon
// publishes no event for (a file written, a process gone); a server's state is waited for
// with WaitServer or Events. The polls back off from 10 ms to 250 ms: each one usually runs
// the mcptray binary, and the machine is shared with the daemon under test.
func (u *User) Eventually(what string, ok func() bool) {
	u.T.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for delay := 10 * time.Millisecond; !ok(); delay = min(delay*3/2, 250*time.Millisecond) {
		if time.Now().After(deadline) {
			u.T.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(delay)
	}
}

// ServerState is one server's row of `server list --json`.
type ServerState struct {
	State    string `json:"state"`
	Pid      int    `json:"pid"`
	Restarts int    `json:"restarts"`
	Sessions int    `json:"sessions"`
}

// List returns `server list --json`: whether MCP Tray runs, and each server's state (nil
// when it does not run).
func (u *User) List() (bool, map[string]*ServerState) {
	u.T.Helper()
	var l struct {
		Running bool `json:"running"`
		Servers []struct {
			Name   string       `json:"name"`
			Status *ServerState `json:"status"`
		} `json:"servers"`
	}
	if err := json.Unmarshal([]byte(u.OK("server", "list", "--json")), &l); err != nil {
		u.T.Fatal(err)
	}
	m := map[string]*ServerState{}
	for _, s := range l.Servers {
		m[s.Name] = s.Status
	}
	return l.Running, m
}

// State returns a server's state, pid and restart count ("" when unknown).
func (u *User) State(name string) ServerState {
	_, m := u.List()
	if s := m[name]; s != nil {
		return *s
	}
	return ServerState{}
}

// WaitSpare waits until the named server runs with a process of its own ready for the next
// client (its warm spare, which starts supervisor.SpareRefillDelay after one is taken), and
// returns its state.
func (u *User) WaitSpare(name string) ServerState {
	u.T.Helper()
	ev := u.WaitServer(name, name+"'s warm spare runs", func(s ServerEvent) bool { return s.State == "running" && s.Pid != 0 })
	if st := u.State(name); st.State == "running" && st.Pid != 0 {
		return st
	}
	return ServerState{State: ev.State, Pid: ev.Pid, Restarts: ev.Restarts, Sessions: ev.Sessions}
}

// WaitRunning waits for the daemon's event that the server runs and returns its state as
// `server list` shows it (which fills in a shared server's pid); if it stopped running in
// between, the state from the event is returned.
func (u *User) WaitRunning(name string) ServerState {
	u.T.Helper()
	ev := u.WaitServer(name, name+" runs", func(s ServerEvent) bool { return s.State == "running" })
	if st := u.State(name); st.State == "running" {
		return st
	}
	return ServerState{State: ev.State, Pid: ev.Pid, Restarts: ev.Restarts, Sessions: ev.Sessions}
}
