package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// helperName is the argv[0] under which this executable acts as the sandbox helper, and
// envWire the variable that carries its instructions (removed before the server starts).
const (
	helperName = "mcptray-sandbox"
	envWire    = "MCPTRAY_SANDBOX_RULES"
)

// executable is the helper: this very program. A benchmark points it at the product binary.
var executable = os.Executable

// wire is what Wrap hands the helper.
type wire struct {
	Rules      Rules `json:"rules"`
	Namespaces bool  `json:"namespaces"` // started in new user and mount namespaces: hide r.Hide
	Probe      bool  `json:"probe,omitempty"`
}

// init turns this process into the helper when it was started as one. It runs before main
// (and before any test), so every binary that links this package — mcptray and the test
// binaries alike — can confine the servers it starts. The main goroutine is still locked to
// the main thread here, which is what the per-thread steps below need.
func init() {
	if filepath.Base(os.Args[0]) != helperName || len(os.Args) < 2 {
		return
	}
	raw, ok := os.LookupEnv(envWire)
	if !ok {
		return
	}
	runtime.LockOSThread()
	err := helperMain(raw, os.Args[1:])
	fmt.Fprintf(os.Stderr, "mcptray: the server could not be started in its sandbox: %v\n", err)
	os.Exit(126)
}

// helperMain confines this thread and execs argv (argv[0] is the program's path, argv[1] the
// argv[0] it expects). It returns only on failure.
func helperMain(raw string, argv []string) error {
	var w wire
	if err := json.Unmarshal([]byte(raw), &w); err != nil {
		return fmt.Errorf("reading the sandbox rules: %w", err)
	}
	if w.Namespaces {
		if err := hide(w.Rules); err != nil {
			return err
		}
	}
	// Root's capabilities (MCP Tray run by root, say in a container that allows no
	// namespaces) would let the server load kernel code or send raw packets, which Landlock
	// does not govern. Without namespaces a person's own program holds none, and dropping
	// needs one (CAP_SETPCAP for the secure bits): only a holder drops them.
	if w.Namespaces || holdsCapabilities() {
		if err := dropCapabilities(); err != nil {
			return err
		}
	}
	if w.Probe {
		os.Exit(0)
	}
	if !w.Namespaces { // the machine's terminals are the person's: not granted (systemWritePaths)
		w.Rules.Write = slices.DeleteFunc(w.Rules.Write, func(p string) bool { return slices.Contains(ownTerminals, p) })
	}
	if len(argv) < 2 {
		return errors.New("no program to run")
	}
	if err := restrictThread(w.Rules, landlockABI(), !w.Namespaces); err != nil {
		return err
	}
	if err := denySystemCalls(); err != nil {
		return err
	}
	env := make([]string, 0, len(os.Environ()))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, envWire+"=") {
			env = append(env, kv)
		}
	}
	err := unix.Exec(argv[0], argv[1:], env)
	return fmt.Errorf("starting %s: %w", argv[0], err)
}

var status struct {
	once sync.Once
	s    Status
}

// Check returns what this machine can enforce. It starts the helper once (a few
// milliseconds) to learn whether namespaces work, and caches the answer; safe for concurrent
// use.
func Check() Status {
	status.once.Do(func() {
		status.s.Landlock = landlockABI()
		status.s.Namespaces = probeNamespaces() == nil
	})
	return status.s
}

func supported(s Status) bool { return s.Landlock > 0 }

func gaps(s Status) string {
	switch {
	case s.Landlock == 0:
		return "This Linux kernel has no Landlock, so servers cannot be confined: they can read and change everything you can."
	case !s.Namespaces:
		return "This computer does not allow private namespaces, so a confined server with the network off can still send UDP, it shares the computer's /dev/shm with other programs, and it cannot add files at the top of a folder you gave it that holds keys or MCP Tray's own files."
	}
	return ""
}

// Wrap changes cmd, whose Path must be absolute, so that it starts the same program confined
// to r: through the helper, in private user and mount namespaces (and a network namespace
// when r.Network is false) where the machine allows them. It creates r.Make first. The
// process cmd starts becomes the server (the helper execs in place), so its pid, process
// group and exit status are the server's; SysProcAttr fields Wrap does not set (Setsid,
// Pdeathsig) are kept.
func Wrap(cmd *exec.Cmd, r Rules) error { return wrap(cmd, r, Check()) }

func wrap(cmd *exec.Cmd, r Rules, st Status) error {
	if !st.Supported() {
		return fmt.Errorf("%w: %s", ErrUnsupported, st.Gaps())
	}
	exe, err := executable()
	if err != nil {
		return fmt.Errorf("finding MCP Tray's own program to start the sandbox: %w", err)
	}
	for _, d := range r.Make {
		if linkBeneath(d, r.Write) {
			continue // the server's own link: the helper refuses it with a sentence (openGrant)
		}
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("creating the server's folder: %w", err)
		}
	}
	raw, err := json.Marshal(wire{Rules: r, Namespaces: st.Namespaces})
	if err != nil {
		return err
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(append(withoutSocketAddresses(cmd.Env), r.Env...), envWire+"="+string(raw))
	argv := cmd.Args
	if len(argv) == 0 {
		argv = []string{cmd.Path}
	}
	cmd.Args = append([]string{helperName, cmd.Path}, argv...)
	cmd.Path = exe
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	if st.Namespaces {
		namespaces(cmd.SysProcAttr, r.Network)
	}
	return nil
}

// linkBeneath reports whether a part of path beneath the outermost folder in writable that
// holds it is a symbolic link: one the server may have made, which MkdirAll would follow.
func linkBeneath(path string, writable []string) bool {
	base := serverFolder(path, writable)
	for p := path; base != "" && p != base && within(p, base); p = filepath.Dir(p) {
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			return true
		}
	}
	return false
}

// namespaces asks for new user, mount and process namespaces (and a network namespace
// without network), with the person's own uid and gid inside so the server sees who it runs
// as, and with the two capabilities the helper needs to hide folders, dropped again before
// the server starts. In its own process namespace (with its own /proc, mounted by hide) the
// server sees no other program of the person's: not their command lines, where another
// server's secret may be an argument (red team: a confined server read one from
// /proc/PID/cmdline). The server is that namespace's first process: a signal it has no
// handler for, other than SIGKILL, does not reach it from outside (the stop ladder ends in
// SIGKILL), and when it ends, everything it started ends with it.
func namespaces(a *syscall.SysProcAttr, network bool) {
	a.Cloneflags |= unix.CLONE_NEWUSER | unix.CLONE_NEWNS | unix.CLONE_NEWPID
	if !network {
		a.Cloneflags |= unix.CLONE_NEWNET
	}
	uid, gid := os.Getuid(), os.Getgid()
	a.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
	a.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
	a.GidMappingsEnableSetgroups = false
	a.AmbientCaps = []uintptr{unix.CAP_SYS_ADMIN, unix.CAP_SETPCAP}
}

// probeNamespaces starts the helper in namespaces and has it hide a folder, then exit.
func probeNamespaces() error {
	exe, err := executable()
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(wire{Namespaces: true, Probe: true, Rules: Rules{Hide: []string{os.TempDir()}}})
	cmd := exec.Command(exe)
	cmd.Args = []string{helperName, "probe"}
	cmd.Env = []string{envWire + "=" + string(raw)}
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	namespaces(cmd.SysProcAttr, false)
	return cmd.Run()
}

func systemReadPaths() []string {
	return []string{"/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin", "/etc", "/opt",
		"/nix/store", "/proc", "/sys", "/run/systemd/resolve", "/var/lib/ca-certificates"}
}

// systemWritePaths are the devices every program expects. Not /dev/tty (a server has no
// terminal: the supervisor starts it in a session of its own), and the terminals (/dev/ptmx,
// /dev/pts) only as the helper's own instance in the server's mount namespace (hide), never
// the machine's, where the person's terminals are (red team: a confined server read what the
// person typed in another terminal and wrote a fake password prompt into it).
func systemWritePaths() []string {
	return []string{"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/ptmx", "/dev/pts", "/dev/shm"}
}

// ownTerminals are the paths in systemWritePaths that are granted only in namespaces, where
// hide mounts a private instance over them.
var ownTerminals = []string{"/dev/ptmx", "/dev/pts"}

// socketAddresses name the local sockets of the person's session: the session bus (and the
// keychain and service manager behind it), the ssh and gpg agents, the display, the sound
// server. A confined server cannot connect to any socket file (seccomp_linux.go), so they
// would only tell it where they are: it does not get them.
var socketAddresses = map[string]bool{"DBUS_SESSION_BUS_ADDRESS": true, "DBUS_SYSTEM_BUS_ADDRESS": true,
	"SSH_AUTH_SOCK": true, "SSH_AGENT_PID": true, "GPG_AGENT_INFO": true, "DISPLAY": true, "WAYLAND_DISPLAY": true,
	"XAUTHORITY": true, "SESSION_MANAGER": true, "PULSE_SERVER": true}

// withoutSocketAddresses returns env without the socketAddresses.
func withoutSocketAddresses(env []string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); !socketAddresses[k] {
			out = append(out, kv)
		}
	}
	return out
}
