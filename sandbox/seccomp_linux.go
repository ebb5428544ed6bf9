package sandbox

import (
	"fmt"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// denySystemCalls installs a seccomp filter on this thread (inherited by the program it then
// execs) that fails socket(AF_UNIX, …) and the kernel keyring calls with EACCES, and making or
// joining namespaces with EPERM.
//
// Sockets: Landlock before ABI 9 does not govern connecting to a socket at a path, and a
// network namespace does not cut off sockets that are files: without this a confined server
// reaches the session bus (and through it the keychain and the user's service manager), an
// ssh-agent, the X server and any other socket the person can. Socket pairs (socketpair),
// which runtimes use for their children's stdio, stay allowed: they connect to nothing of
// their own (a datagram pair can still send to a datagram socket file, such as the system
// log's). A 32-bit x86 program's socketcall, whose arguments a filter cannot read, is refused
// whole, and so is io_uring, which can make sockets without the system call; the x32 calls
// and any other architecture's (32-bit ARM on arm64) are refused entirely.
//
// Keyrings: add_key, request_key and keyctl reach the session keyring of the program that
// started MCP Tray, where Kerberos and some credential helpers keep secrets (red team: a
// confined server read a key its parent had put there); Docker's default profile refuses
// them too.
//
// Namespaces: a server that makes a user namespace of its own gets every capability inside
// it, and with them the kernel's surface (mounting filesystems, netfilter, …) from which many
// local privilege escalations start. MCP Tray's own namespaces are made before this filter
// (the daemon's clone, then hide), and where unprivileged user namespaces are open to every
// program (most distributions, or Ubuntu under MCP Tray's AppArmor profile, whose label its
// children keep) nothing else would stop the server. As Chrome's and Flatpak's filters do:
// unshare and setns are refused, clone with any CLONE_NEW* flag (its first argument) is
// refused, and clone3, whose flags are in a structure a filter cannot read, fails with ENOSYS,
// on which glibc (threads, posix_spawn) falls back to clone; Go uses clone unless asked for a
// cgroup or a time namespace. Forks, threads and vfork stay allowed.
//
// The filter is a few dozen instructions, written here rather than through a seccomp library
// for that. no_new_privs must be set (restrictThread sets it).
func denySystemCalls() error {
	filter, err := systemCallFilter(runtime.GOARCH)
	if err != nil {
		return err
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&prog)), 0, 0); err != nil {
		return fmt.Errorf("installing the sandbox's system call filter (seccomp): %w", err)
	}
	return nil
}

// systemCallFilter is denySystemCalls' filter for a program built for goarch.
func systemCallFilter(goarch string) ([]unix.SockFilter, error) {
	const (
		archOffset = 4  // offsetof(struct seccomp_data, arch)
		nrOffset   = 0  // offsetof(struct seccomp_data, nr)
		arg0Offset = 16 // offsetof(struct seccomp_data, args[0]), its low half on little-endian
		x32Bit     = 0x40000000
		// io_uring makes sockets without the socket system call (IORING_OP_SOCKET): refused
		// too, as Docker's default profile does; runtimes that try it fall back to threads.
		ioUringSetup = 425 // the same number on amd64, arm64 and i386
		clone3       = 435 // the same number on amd64, arm64 and i386
		// i386's socketcall, socket, add_key, request_key, keyctl, clone, unshare and setns.
		socketcall386, socket386            = 102, 359
		addKey386, requestKey386, keyctl386 = 286, 287, 288
		clone386, unshare386, setns386      = 120, 310, 346
		// The flags that make a new namespace, in clone's first argument (which the kernel
		// reads as 32 bits). CLONE_NEWTIME (0x80) is clone3's and unshare's only.
		newNamespaces = unix.CLONE_NEWNS | unix.CLONE_NEWCGROUP | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC |
			unix.CLONE_NEWUSER | unix.CLONE_NEWPID | unix.CLONE_NEWNET
	)
	var arch, socketNr, addKey, requestKey, keyctl, clone, unshare, setns uint32
	switch goarch {
	case "amd64":
		arch, socketNr, addKey, requestKey, keyctl = unix.AUDIT_ARCH_X86_64, 41, 248, 249, 250
		clone, unshare, setns = 56, 272, 308
	case "arm64":
		arch, socketNr, addKey, requestKey, keyctl = unix.AUDIT_ARCH_AARCH64, 198, 217, 218, 219
		clone, unshare, setns = 220, 97, 268
	default:
		return nil, fmt.Errorf("the sandbox's system call filter is not written for %s", goarch)
	}
	const (
		ld   = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq  = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge  = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		jset = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
		ret  = unix.BPF_RET | unix.BPF_K
	)
	return assemble([]instruction{
		{code: ld, k: archOffset},
		{code: jeq, k: arch, jt: "native"},
		{code: jeq, k: unix.AUDIT_ARCH_I386, jf: "eacces"}, // another arch (32-bit ARM): deny
		{code: ld, k: nrOffset},                            // i386
		{code: jeq, k: socketcall386, jt: "eacces"},
		{code: jeq, k: ioUringSetup, jt: "eacces"},
		{code: jeq, k: addKey386, jt: "eacces"},
		{code: jeq, k: requestKey386, jt: "eacces"},
		{code: jeq, k: keyctl386, jt: "eacces"},
		{code: jeq, k: unshare386, jt: "eperm"},
		{code: jeq, k: setns386, jt: "eperm"},
		{code: jeq, k: clone3, jt: "enosys"},
		{code: jeq, k: clone386, jt: "clone"},
		{code: jeq, k: socket386, jt: "socket"},
		{code: ret, k: unix.SECCOMP_RET_ALLOW},
		{label: "native", code: ld, k: nrOffset},
		{code: jge, k: x32Bit, jt: "eacces"}, // x32's calls: deny
		{code: jeq, k: socketNr, jt: "socket"},
		{code: jeq, k: ioUringSetup, jt: "eacces"},
		{code: jeq, k: addKey, jt: "eacces"},
		{code: jeq, k: requestKey, jt: "eacces"},
		{code: jeq, k: keyctl, jt: "eacces"},
		{code: jeq, k: unshare, jt: "eperm"},
		{code: jeq, k: setns, jt: "eperm"},
		{code: jeq, k: clone3, jt: "enosys"},
		{code: jeq, k: clone, jt: "clone"},
		{code: ret, k: unix.SECCOMP_RET_ALLOW},
		{label: "clone", code: ld, k: arg0Offset}, // its flags
		{code: jset, k: newNamespaces, jt: "eperm", jf: "allow"},
		{label: "socket", code: ld, k: arg0Offset}, // its family
		{code: jeq, k: unix.AF_UNIX, jt: "eacces", jf: "allow"},
		{label: "allow", code: ret, k: unix.SECCOMP_RET_ALLOW},
		{label: "eperm", code: ret, k: unix.SECCOMP_RET_ERRNO | uint32(syscall.EPERM)},
		{label: "eacces", code: ret, k: unix.SECCOMP_RET_ERRNO | uint32(syscall.EACCES)},
		{label: "enosys", code: ret, k: unix.SECCOMP_RET_ERRNO | uint32(syscall.ENOSYS)},
	})
}

// instruction is one classic BPF instruction whose jumps name the label of their target
// instead of counting the instructions in between, which every insertion would change.
type instruction struct {
	label  string // this instruction's name, for jumps to it
	code   uint16
	k      uint32
	jt, jf string // where a conditional jump goes when true and when false; "" is the next instruction
}

// assemble resolves the labels of prog. Classic BPF jumps only forward, at most 255
// instructions.
func assemble(prog []instruction) ([]unix.SockFilter, error) {
	at := make(map[string]int, len(prog))
	for i, in := range prog {
		if in.label != "" {
			at[in.label] = i
		}
	}
	out := make([]unix.SockFilter, len(prog))
	for i, in := range prog {
		offset := func(label string) (uint8, error) {
			if label == "" {
				return 0, nil
			}
			t, ok := at[label]
			if !ok || t <= i || t-i-1 > 255 {
				return 0, fmt.Errorf("the sandbox's system call filter jumps from instruction %d to %q, which is not a label up to 256 instructions ahead", i, label)
			}
			return uint8(t - i - 1), nil
		}
		jt, err := offset(in.jt)
		if err != nil {
			return nil, err
		}
		jf, err := offset(in.jf)
		if err != nil {
			return nil, err
		}
		out[i] = unix.SockFilter{Code: in.code, Jt: jt, Jf: jf, K: in.k}
	}
	return out, nil
}
