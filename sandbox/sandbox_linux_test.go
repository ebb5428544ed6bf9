package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

var probePath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "sandboxprobe-")
	if err != nil {
		panic(err)
	}
	probePath = filepath.Join(dir, "sandboxprobe")
	_, file, _, _ := runtime.Caller(0)
	build := exec.Command("go", "build", "-o", probePath, "./internal/sandboxprobe")
	build.Dir = filepath.Join(filepath.Dir(file), "..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		panic("building the probe: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// world is a person's home as a hostile server would find it: keys, credentials, MCP Tray's
// home with its config, socket and another server's folder, a keyring, and the folders this
// server was given.
type world struct {
	home, app, socket, state, temp, notes, docs string
	bus                                         string            // a socket outside MCP Tray's home, as a session bus or an ssh-agent is
	secrets                                     map[string]string // what the server must not read
	tcp                                         string            // a listener on 127.0.0.1
}

func newWorld(t *testing.T) *world {
	t.Helper()
	home := t.TempDir()
	w := &world{home: home, app: filepath.Join(home, ".config", "mcptray")}
	w.state = filepath.Join(w.app, "servers", "probe")
	w.temp = filepath.Join(home, "tmp-probe")
	w.notes = filepath.Join(home, "Documents", "notes")
	w.docs = filepath.Join(home, "docs")
	w.socket = filepath.Join(w.app, "mcptray.sock")
	w.secrets = map[string]string{
		"ssh key":       filepath.Join(home, ".ssh", "id_rsa"),
		"aws":           filepath.Join(home, ".aws", "credentials"),
		"kube":          filepath.Join(home, ".kube", "config"),
		"config.json":   filepath.Join(w.app, "config.json"),
		"other server":  filepath.Join(w.app, "servers", "other", "memory.json"),
		"keyring":       filepath.Join(home, ".local", "share", "keyrings", "login.keyring"),
		"browser":       filepath.Join(home, ".mozilla", "firefox", "x.default", "logins.json"),
		"notes sibling": filepath.Join(home, "Documents", "taxes.pdf"),
	}
	for _, p := range w.secrets {
		writeFile(t, p, "secret")
	}
	writeFile(t, filepath.Join(w.notes, "todo.md"), "notes")
	writeFile(t, filepath.Join(w.docs, "readme.md"), "docs")
	ln, err := net.Listen("unix", w.socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go acceptAll(ln)
	w.bus = filepath.Join(t.TempDir(), "bus")
	bus, err := net.Listen("unix", w.bus)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bus.Close() })
	go acceptAll(bus)
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tl.Close() })
	go acceptAll(tl)
	w.tcp = tl.Addr().String()
	return w
}

func acceptAll(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}

func writeFile(t *testing.T, p, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (w *world) rules(network bool) Rules {
	spec := Spec{Read: []string{w.docs}, Write: []string{w.notes}, Network: network}
	return spec.Rules(Context{Home: w.home, AppHome: w.app, Socket: w.socket, State: w.state,
		Temp: w.temp, Command: probePath, Path: os.Getenv("PATH")})
}

type result struct {
	Op, Target, Err string
	OK              bool
}

// runProbe runs the probe with the attempts, confined by r unless r is nil, and returns each
// attempt's result and the probe's stderr.
func runProbe(t *testing.T, r *Rules, attempts ...string) (map[string]result, string) {
	t.Helper()
	cmd := exec.Command(probePath, attempts...)
	if r != nil {
		if err := Wrap(cmd, *r); err != nil {
			t.Fatal(err)
		}
	}
	return probeResults(t, cmd, len(attempts))
}

// probeResults runs the probe's cmd and reads its n results.
func probeResults(t *testing.T, cmd *exec.Cmd, n int) (map[string]result, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("probe: %v\n%s", err, stderr.String())
	}
	got := map[string]result{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var res result
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatalf("probe said %q: %v", sc.Text(), err)
		}
		got[res.Op+"="+res.Target] = res
	}
	if len(got) != n {
		t.Fatalf("probe answered %d of %d attempts; stderr:\n%s", len(got), n, stderr.String())
	}
	return got, stderr.String()
}

func needSandbox(t *testing.T) {
	t.Helper()
	if st := Check(); !st.Supported() || !st.Namespaces {
		t.Fatalf("this machine cannot confine servers fully, so the sandbox cannot be tested here (it needs Landlock and unprivileged user namespaces): %s", st.Gaps())
	}
}

func (w *world) hostileAttempts() []string {
	var a []string
	for _, p := range w.secrets {
		a = append(a, "read="+p)
	}
	return append(a,
		"list="+w.home,
		"list="+filepath.Join(w.app, "servers"),
		"write="+filepath.Join(w.home, ".bashrc"),
		"write="+filepath.Join(w.home, "Documents", "planted.txt"),
		"write="+filepath.Join(w.app, "config.json"),
		"write=/tmp/planted-by-probe",
		"unix="+w.socket,
		"unix="+w.bus,
		"tcp="+w.tcp,
	)
}

// TestHostileServerIsStopped runs the hostile probe confined with the network off: every
// attempt on what it was not given fails, and each shows as one readable line.
func TestHostileServerIsStopped(t *testing.T) {
	needSandbox(t)
	// Unconfined, the same attempts succeed: the failures below are the sandbox's doing.
	open := newWorld(t)
	got, _ := runProbe(t, nil, open.hostileAttempts()...)
	for k, res := range got {
		if !res.OK {
			t.Errorf("unconfined %s failed (%s): the test's world is wrong", k, res.Err)
		}
	}
	os.Remove("/tmp/planted-by-probe")

	w := newWorld(t)
	attempts := w.hostileAttempts()

	r := w.rules(false)
	got, stderr := runProbe(t, &r, attempts...)
	for k, res := range got {
		if res.OK {
			t.Errorf("confined server could %s", k)
		}
	}
	if _, err := os.Stat("/tmp/planted-by-probe"); err == nil {
		os.Remove("/tmp/planted-by-probe")
		t.Error("confined server planted a file in /tmp")
	}
	for _, p := range []string{filepath.Join(w.home, ".bashrc"), filepath.Join(w.home, "Documents", "planted.txt")} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("confined server created %s", p)
		}
	}
	if b, _ := os.ReadFile(w.secrets["config.json"]); string(b) != "secret" {
		t.Errorf("MCP Tray's config.json was changed to %q", b)
	}

	log := NewDeniedLog(w.home, r)
	var lines []string
	for _, l := range strings.Split(stderr, "\n") {
		if s, ok := log.Line(l); ok {
			lines = append(lines, s)
		}
	}
	for _, want := range []string{
		"tried to open ~/.ssh/id_rsa: not allowed by its sandbox",
		"tried to open ~/.aws/credentials: not allowed by its sandbox",
		"tried to open ~/.config/mcptray/config.json: not allowed by its sandbox",
		"tried to open ~/.config/mcptray/servers/other/memory.json: not allowed by its sandbox",
		"tried to open ~/.local/share/keyrings/login.keyring: not allowed by its sandbox",
		"tried to connect to ~/.config/mcptray/mcptray.sock: not allowed by its sandbox",
		"tried to use the network (" + w.tcp + "): not allowed by its sandbox",
		// Landlock (before ABI 9) does not govern connecting to a socket file; the filter on
		// socket(AF_UNIX) does (red team: the session bus gave a confined server the keychain).
		"tried to connect to " + w.bus + ": not allowed by its sandbox",
	} {
		if !contains(lines, want) {
			t.Errorf("log lacks %q; it has:\n%s\nstderr:\n%s", want, strings.Join(lines, "\n"), stderr)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A confined server keeps socket pairs, which runtimes use for their children's stdio: they
// connect to nothing. io_uring, which makes sockets without the socket system call, is
// refused (where the kernel offers it at all, unconfined).
func TestSocketPairsStayAndIOUringGoes(t *testing.T) {
	needSandbox(t)
	w := newWorld(t)
	r := w.rules(false)
	got, stderr := runProbe(t, &r, "pair=stdio", "uring=sockets")
	if !got["pair=stdio"].OK {
		t.Errorf("a confined server could not make a socket pair: %s\n%s", got["pair=stdio"].Err, stderr)
	}
	if got["uring=sockets"].OK {
		t.Error("a confined server could set up io_uring, which makes sockets past the filter")
	}
}

// A confined server has a /dev/shm of its own: what it writes there stays in its sandbox,
// out of reach of other servers and programs.
func TestDevShmIsPrivate(t *testing.T) {
	needSandbox(t)
	w := newWorld(t)
	r := w.rules(false)
	p := filepath.Join("/dev/shm", fmt.Sprintf("mcptray-probe-%d", os.Getpid()))
	t.Cleanup(func() { os.Remove(p) })
	if got, stderr := runProbe(t, &r, "write="+p); !got["write="+p].OK {
		t.Errorf("a confined server could not use its /dev/shm: %s\n%s", got["write="+p].Err, stderr)
	}
	if _, err := os.Stat(p); err == nil {
		t.Errorf("what a confined server wrote to /dev/shm is in the machine's /dev/shm")
	}
}

// TestGrantedPathsWork checks the other side: what the server was given, it can use.
func TestGrantedPathsWork(t *testing.T) {
	needSandbox(t)
	w := newWorld(t)
	r := w.rules(true)
	got, stderr := runProbe(t, &r,
		"read="+filepath.Join(w.docs, "readme.md"),
		"list="+w.docs,
		"read="+filepath.Join(w.notes, "todo.md"),
		"write="+filepath.Join(w.notes, "new.md"),
		"write="+filepath.Join(w.state, "memory.json"),
		"write="+filepath.Join(w.temp, "scratch"),
		"read=/etc/hostname",
		"exec=/bin/true",
		"tcp="+w.tcp,
	)
	for k, res := range got {
		if !res.OK {
			t.Errorf("confined server could not %s: %s\n%s", k, res.Err, stderr)
		}
	}
	if b, err := os.ReadFile(filepath.Join(w.state, "memory.json")); err != nil || !strings.Contains(string(b), "planted") {
		t.Errorf("the server's write to its own state folder did not land in the real folder: %v", err)
	}
	// Read-only means read-only.
	got, _ = runProbe(t, &r, "write="+filepath.Join(w.docs, "readme.md"))
	for k, res := range got {
		if res.OK {
			t.Errorf("confined server could %s in a read-only folder", k)
		}
	}
}

// TestServerKeepsItsPid checks that the helper execs in place: the pid the supervisor holds
// is the server's own, so its process group and tree kill stay right. Inside, the server is
// the first process of its own process namespace (pid 1).
func TestServerKeepsItsPid(t *testing.T) {
	needSandbox(t)
	w := newWorld(t)
	r := w.rules(false)
	cmd := exec.Command(probePath, "-ready")
	if err := Wrap(cmd, r); err != nil {
		t.Fatal(err)
	}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Readlink("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/exe")
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if want := "ready 1\n"; line != want {
		t.Errorf("server said %q, want %q", line, want)
	}
	if exe != probePath {
		t.Errorf("pid %d runs %s, want the server %s", cmd.Process.Pid, exe, probePath)
	}
}

// TestWithoutNamespacesSocketsStayShut: where the machine allows no private namespaces, so
// nothing is hidden, Landlock (before ABI 9) still leaves connecting to a socket file open; the
// filter on socket(AF_UNIX) shuts it, for MCP Tray's control socket and every other one.
func TestWithoutNamespacesSocketsStayShut(t *testing.T) {
	if landlockABI() == 0 {
		t.Fatal("this kernel has no Landlock, so the sandbox cannot be tested here")
	}
	w := newWorld(t)
	r := w.rules(false)
	cmd := exec.Command(probePath, "read="+w.secrets["ssh key"], "unix="+w.socket, "unix="+w.bus, "tcp="+w.tcp)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := wrap(cmd, r, Status{Landlock: landlockABI()}); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	out := stdout.String()
	for _, want := range []string{`"op":"read","target":"` + w.secrets["ssh key"] + `","ok":false`,
		`"op":"unix","target":"` + w.socket + `","ok":false`, `"op":"unix","target":"` + w.bus + `","ok":false`,
		`"op":"tcp","target":"` + w.tcp + `","ok":false`} {
		if !strings.Contains(out, want) {
			t.Errorf("without namespaces: want %s in\n%s", want, out)
		}
	}
}

// TestProvidedFileInsideHiddenHome: a file MCP Tray prepared for the server (its
// kubeconfig) stays readable though the rest of MCP Tray's home is hidden.
func TestProvidedFileInsideHiddenHome(t *testing.T) {
	needSandbox(t)
	w := newWorld(t)
	kube := filepath.Join(w.app, "kube", "probe.yaml")
	writeFile(t, kube, "apiVersion: v1")
	other := filepath.Join(w.app, "kube", "other.yaml")
	writeFile(t, other, "apiVersion: v1")
	r := Spec{}.Rules(Context{Home: w.home, AppHome: w.app, Socket: w.socket, Command: probePath,
		Path: os.Getenv("PATH"), Provided: []string{kube}})
	got, stderr := runProbe(t, &r, "read="+kube, "read="+other)
	if !got["read="+kube].OK || got["read="+other].OK {
		t.Errorf("own kubeconfig %+v, another's %+v\n%s", got["read="+kube], got["read="+other], stderr)
	}
}

// A confined server is not told where the session's sockets are (it could not connect to
// them): no bus, agent or display address in its environment; the rest stays.
func TestNoSocketAddressesInTheEnvironment(t *testing.T) {
	needSandbox(t)
	w := newWorld(t)
	r := w.rules(false)
	r.Read = append(r.Read, "/usr/bin/env")
	cmd := exec.Command("/usr/bin/env")
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + w.home, "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus",
		"SSH_AUTH_SOCK=/tmp/ssh-XXXX/agent.1", "DISPLAY=:0", "LANG=C.UTF-8"}
	if err := Wrap(cmd, r); err != nil {
		t.Fatal(err)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("env in the sandbox: %v\n%s", err, out)
	}
	for _, gone := range []string{"DBUS_SESSION_BUS_ADDRESS=", "SSH_AUTH_SOCK=", "DISPLAY="} {
		if strings.Contains(string(out), gone) {
			t.Errorf("the confined server's environment has %s…:\n%s", gone, out)
		}
	}
	if !strings.Contains(string(out), "LANG=C.UTF-8") || !strings.Contains(string(out), "HOME="+w.home) {
		t.Errorf("the confined server's environment lost what it may keep:\n%s", out)
	}
}

// TestALinkTheServerPlantedIsNotFollowed: a server that replaced its own cache folder with a
// link to the person's home, and a link planted where a read grant lies inside a write grant,
// are not followed on the next start: the server is refused with a sentence, and the home
// stays out of reach (red team: the next start granted the home, ~/.ssh read, ~/.bashrc
// changed).
func TestALinkTheServerPlantedIsNotFollowed(t *testing.T) {
	needSandbox(t)
	w := newWorld(t)
	cache := filepath.Join(w.state, "cache")
	if err := os.MkdirAll(w.state, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(w.home, cache); err != nil {
		t.Fatal(err)
	}
	r := w.rules(false)
	if !contains(r.Write, cache) {
		t.Fatalf("the rules do not grant the cache folder %s: %v", cache, r.Write)
	}
	cmd := exec.Command(probePath, "read="+w.secrets["ssh key"])
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := Wrap(cmd, r); err != nil {
		t.Fatal(err)
	}
	err := cmd.Run()
	if err == nil || !strings.Contains(out.String(), cache+" is a link inside a folder the server may change, which MCP Tray does not follow") {
		t.Errorf("the server started through its planted link (%v):\n%s", err, out.String())
	}

	// A person's grants: write ~/Documents/notes and read ~/Documents/notes/ref, which the
	// server made a link to ~/.aws.
	w2 := newWorld(t)
	ref := filepath.Join(w2.notes, "ref")
	if err := os.Symlink(filepath.Dir(w2.secrets["aws"]), ref); err != nil {
		t.Fatal(err)
	}
	spec := Spec{Write: []string{w2.notes}, Read: []string{ref}}
	r2 := spec.Rules(Context{Home: w2.home, AppHome: w2.app, Socket: w2.socket, State: w2.state, Temp: w2.temp,
		Command: probePath, Path: os.Getenv("PATH")})
	cmd = exec.Command(probePath, "read="+w2.secrets["aws"])
	out.Reset()
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := Wrap(cmd, r2); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Run(); err == nil || !strings.Contains(out.String(), ref+" is a link inside a folder") {
		t.Errorf("the server started through a link inside its write grant (%v):\n%s", err, out.String())
	}
}

// TestThePersonsTerminalsAreNotThere: a confined server cannot open a terminal the person
// has open (here one the test opened, as a terminal window would), nor /dev/tty; it can
// still open terminals of its own through /dev/ptmx (a server that runs a shell).
func TestThePersonsTerminalsAreNotThere(t *testing.T) {
	needSandbox(t)
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	persons := "/dev/pts/" + strconv.Itoa(n)
	attempts := []string{"tty=" + persons, "tty=/dev/tty", "tty=/dev/ptmx"}
	open, _ := runProbe(t, nil, "tty="+persons)
	if !open["tty="+persons].OK {
		t.Fatalf("unconfined, the probe cannot open %s either: %s", persons, open["tty="+persons].Err)
	}
	w := newWorld(t)
	r := w.rules(false)
	got, _ := runProbe(t, &r, attempts...)
	for _, a := range attempts[:2] {
		if got[a].OK {
			t.Errorf("a confined server opened %s", a)
		}
	}
	if !got["tty=/dev/ptmx"].OK {
		t.Errorf("a confined server cannot open a terminal of its own: %s", got["tty=/dev/ptmx"].Err)
	}
}

// TestTheKeyringIsOutOfReach: the kernel keyring calls fail for a confined server; its
// parent's session keyring (where Kerberos and some credential helpers keep secrets) is out
// of reach (red team: a key the parent added was read from inside).
func TestTheKeyringIsOutOfReach(t *testing.T) {
	needSandbox(t)
	open, _ := runProbe(t, nil, "keyring=session")
	if !open["keyring=session"].OK {
		t.Fatalf("unconfined, the probe cannot reach the session keyring either: %s", open["keyring=session"].Err)
	}
	w := newWorld(t)
	r := w.rules(true)
	got, _ := runProbe(t, &r, "keyring=session", "pair=", "read="+w.docs+"/readme.md")
	if got["keyring=session"].OK {
		t.Error("a confined server reached the session keyring")
	}
	if !got["pair="].OK || !got["read="+w.docs+"/readme.md"].OK {
		t.Errorf("the filter refused more than it should: %+v", got)
	}
}

// TestOtherProgramsAreNotVisible: in its own process namespace a confined server sees no
// other program of the person's, so not the command line of another server that was given a
// secret as an argument (red team: read from /proc/PID/cmdline).
func TestOtherProgramsAreNotVisible(t *testing.T) {
	needSandbox(t)
	other := exec.Command("sleep", "30", "--password=other-servers-secret")
	other.Args = []string{"sleep", "30"}
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { other.Process.Kill(); other.Wait() }()
	cmdline := "/proc/" + strconv.Itoa(other.Process.Pid) + "/cmdline"
	if open, _ := runProbe(t, nil, "read="+cmdline); !open["read="+cmdline].OK {
		t.Fatalf("unconfined, the probe cannot read %s either: %s", cmdline, open["read="+cmdline].Err)
	}
	w := newWorld(t)
	r := w.rules(false)
	got, _ := runProbe(t, &r, "read="+cmdline, "list=/proc/self/fd", "read=/proc/meminfo")
	if got["read="+cmdline].OK {
		t.Errorf("a confined server read another program's command line %s", cmdline)
	}
	if !got["list=/proc/self/fd"].OK || !got["read=/proc/meminfo"].OK {
		t.Errorf("a confined server cannot read its own /proc or the machine's figures: %+v", got)
	}
}
