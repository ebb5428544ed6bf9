package sandbox

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// namespaceAttempts are the ways a server could make namespaces of its own, each with the
// error the filter must give it: a user namespace gives its maker every capability inside it,
// and with them the kernel's surface that many local privilege escalations start from.
var namespaceAttempts = map[string]syscall.Errno{
	"unshare=user":    syscall.EPERM,
	"unshare=mount":   syscall.EPERM,
	"unshare=net":     syscall.EPERM,
	"clone=user":      syscall.EPERM,
	"clone=net":       syscall.EPERM,
	"clone=user+time": syscall.ENOSYS, // Go uses clone3 for a time namespace: its flags are out of the filter's sight
	"setns=user":      syscall.EPERM,
	"setns=net":       syscall.EPERM,
}

// TestNoNamespacesOfItsOwn: a confined server cannot make or join namespaces, in either Linux
// mode: with namespaces (nested user namespaces are the kernel's default) and with Landlock
// alone (where the machine lets every program make them, or the AppArmor profile lets MCP
// Tray's children). Its children still start: runtimes start programs all the time (npx runs
// node), and glibc's threads and posix_spawn try clone3 first and fall back to clone when the
// filter answers ENOSYS.
func TestNoNamespacesOfItsOwn(t *testing.T) {
	needSandbox(t)
	var attempts []string
	for a := range namespaceAttempts {
		attempts = append(attempts, a)
	}
	// Unconfined, the probe makes them: the refusals below are the sandbox's doing. Joining
	// its own user namespace is refused by the kernel, but not with EPERM.
	open, _ := runProbe(t, nil, attempts...)
	for _, a := range []string{"unshare=user", "clone=user", "clone=user+time"} {
		if !open[a].OK {
			t.Fatalf("unconfined, the probe cannot %s either (%s): the test's world is wrong", a, open[a].Err)
		}
	}
	if strings.HasSuffix(open["setns=user"].Err, syscall.EPERM.Error()) {
		t.Fatalf("unconfined, setns=user failed with EPERM: the test cannot tell the filter's refusal apart")
	}

	children := []string{"exec=/bin/true", "run=/bin/sh -c true"}
	if node, err := exec.LookPath("node"); err == nil {
		// node's threads and its child processes go through glibc's clone3, then clone.
		children = append(children, `run=`+node+` -e require("child_process").execFileSync("/bin/true")`)
	} else {
		t.Log("no node on this machine: glibc's fallback from clone3 is tried by /bin/sh alone")
	}
	for _, mode := range confinedModes() {
		t.Run(mode.name, func(t *testing.T) {
			w := newWorld(t)
			r := w.rules(true)
			cmd := exec.Command(probePath, append(append([]string(nil), attempts...), children...)...)
			if err := wrap(cmd, r, mode.st); err != nil {
				t.Fatal(err)
			}
			got, stderr := probeResults(t, cmd, len(attempts)+len(children))
			for a, want := range namespaceAttempts {
				if res := got[a]; res.OK || !strings.HasSuffix(res.Err, want.Error()) {
					t.Errorf("confined %s: ok %v, error %q; want %q", a, res.OK, res.Err, want.Error())
				}
			}
			for _, a := range children {
				if !got[a].OK {
					t.Errorf("a confined server could not %s: %s\n%s", a, got[a].Err, stderr)
				}
			}
		})
	}
}

// TestSystemCallFilterDecides runs the filter's instructions for each architecture it is
// written for, with the calls a live test cannot make here: a 32-bit x86 program's, an x32
// one's, an arm64 machine's.
func TestSystemCallFilterDecides(t *testing.T) {
	const (
		allow  = unix.SECCOMP_RET_ALLOW
		eperm  = unix.SECCOMP_RET_ERRNO | uint32(syscall.EPERM)
		eacces = unix.SECCOMP_RET_ERRNO | uint32(syscall.EACCES)
		enosys = unix.SECCOMP_RET_ERRNO | uint32(syscall.ENOSYS)
		fork   = uint32(syscall.SIGCHLD)
		thread = unix.CLONE_VM | unix.CLONE_FS | unix.CLONE_FILES | unix.CLONE_SIGHAND | unix.CLONE_THREAD |
			unix.CLONE_SYSVSEM | unix.CLONE_SETTLS | unix.CLONE_PARENT_SETTID | unix.CLONE_CHILD_CLEARTID
		vfork = unix.CLONE_VM | unix.CLONE_VFORK | unix.CLONE_PIDFD | fork
	)
	type call struct {
		name         string
		arch, nr, a0 uint32
		want         uint32
	}
	native := func(arch, clone, unshare, setns, socket, keyctl, read uint32) []call {
		return []call{
			{"fork", arch, clone, fork, allow},
			{"thread", arch, clone, thread, allow},
			{"vfork with a pidfd", arch, clone, vfork, allow},
			{"clone user", arch, clone, unix.CLONE_NEWUSER | fork, eperm},
			{"clone net", arch, clone, unix.CLONE_NEWNET, eperm},
			{"clone mount", arch, clone, unix.CLONE_NEWNS | fork, eperm},
			{"clone pid", arch, clone, unix.CLONE_NEWPID, eperm},
			{"clone cgroup", arch, clone, unix.CLONE_NEWCGROUP, eperm},
			{"clone uts", arch, clone, unix.CLONE_NEWUTS, eperm},
			{"clone ipc", arch, clone, unix.CLONE_NEWIPC, eperm},
			{"clone3", arch, 435, 0, enosys},
			{"unshare user", arch, unshare, unix.CLONE_NEWUSER, eperm},
			{"unshare files", arch, unshare, unix.CLONE_FILES, eperm},
			{"setns", arch, setns, 3, eperm},
			{"socket unix", arch, socket, unix.AF_UNIX, eacces},
			{"socket inet", arch, socket, unix.AF_INET, allow},
			{"keyctl", arch, keyctl, 0, eacces},
			{"io_uring_setup", arch, 425, 0, eacces},
			{"read", arch, read, 0, allow},
		}
	}
	i386 := []call{
		{"i386 fork", unix.AUDIT_ARCH_I386, 120, fork, allow},
		{"i386 clone user", unix.AUDIT_ARCH_I386, 120, unix.CLONE_NEWUSER | fork, eperm},
		{"i386 clone3", unix.AUDIT_ARCH_I386, 435, 0, enosys},
		{"i386 unshare", unix.AUDIT_ARCH_I386, 310, unix.CLONE_NEWUSER, eperm},
		{"i386 setns", unix.AUDIT_ARCH_I386, 346, 3, eperm},
		{"i386 socketcall", unix.AUDIT_ARCH_I386, 102, 1, eacces},
		{"i386 socket unix", unix.AUDIT_ARCH_I386, 359, unix.AF_UNIX, eacces},
		{"i386 socket inet", unix.AUDIT_ARCH_I386, 359, unix.AF_INET, allow},
		{"i386 keyctl", unix.AUDIT_ARCH_I386, 288, 0, eacces},
		{"i386 read", unix.AUDIT_ARCH_I386, 3, 0, allow},
	}
	for goarch, calls := range map[string][]call{
		"amd64": append(append(native(unix.AUDIT_ARCH_X86_64, 56, 272, 308, 41, 250, 0), i386...),
			call{"x32 read", unix.AUDIT_ARCH_X86_64, 0x40000000, 0, eacces}),
		"arm64": append(native(unix.AUDIT_ARCH_AARCH64, 220, 97, 268, 198, 219, 63),
			call{"32-bit ARM read", unix.AUDIT_ARCH_ARM, 3, 0, eacces}),
	} {
		prog, err := systemCallFilter(goarch)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range calls {
			if got := runFilter(t, prog, c.arch, c.nr, c.a0); got != c.want {
				t.Errorf("%s: %s gets %#x, want %#x", goarch, c.name, got, c.want)
			}
		}
	}
}

// runFilter runs prog, which loads only the system call's number, its architecture and the
// low half of its first argument, as the kernel would.
func runFilter(t *testing.T, prog []unix.SockFilter, arch, nr, arg0 uint32) uint32 {
	t.Helper()
	var a uint32
	for pc := 0; pc < len(prog); pc++ {
		in := prog[pc]
		jump := func(cond bool) {
			if cond {
				pc += int(in.Jt)
			} else {
				pc += int(in.Jf)
			}
		}
		switch in.Code {
		case unix.BPF_LD | unix.BPF_W | unix.BPF_ABS:
			a = map[uint32]uint32{0: nr, 4: arch, 16: arg0}[in.K]
		case unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K:
			jump(a == in.K)
		case unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K:
			jump(a >= in.K)
		case unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K:
			jump(a&in.K != 0)
		case unix.BPF_RET | unix.BPF_K:
			return in.K
		default:
			t.Fatalf("instruction %d: code %#x is not one runFilter knows", pc, in.Code)
		}
	}
	t.Fatal("the filter ran past its end")
	return 0
}
