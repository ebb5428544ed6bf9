package sandbox

import (
	"fmt"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// denySystemCalls installs a seccomp filter on this thread (inherited by the program it then
// execs) that fails socket(AF_UNIX, …) and the kernel keyring calls with EACCES.
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
// The filter is a couple of dozen instructions, written here rather than through a seccomp
// library for that. no_new_privs must be set (restrictThread sets it).
func denySystemCalls() error {
	const (
		archOffset = 4  // offsetof(struct seccomp_data, arch)
		nrOffset   = 0  // offsetof(struct seccomp_data, nr)
		arg0Offset = 16 // offsetof(struct seccomp_data, args[0]), its low half on little-endian
		x32Bit     = 0x40000000
		// io_uring makes sockets without the socket system call (IORING_OP_SOCKET): refused
		// too, as Docker's default profile does; runtimes that try it fall back to threads.
		ioUringSetup = 425 // the same number on amd64, arm64 and i386
		// i386's add_key, request_key and keyctl.
		addKey386, requestKey386, keyctl386 = 286, 287, 288
	)
	var arch, socketNr, addKey, requestKey, keyctl uint32
	switch runtime.GOARCH {
	case "amd64":
		arch, socketNr, addKey, requestKey, keyctl = unix.AUDIT_ARCH_X86_64, 41, 248, 249, 250
	case "arm64":
		arch, socketNr, addKey, requestKey, keyctl = unix.AUDIT_ARCH_AARCH64, 198, 217, 218, 219
	default:
		return fmt.Errorf("confining sockets is not written for %s", runtime.GOARCH)
	}
	const (
		ld  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
		jeq = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
		jge = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
		ret = unix.BPF_RET | unix.BPF_K
	)
	deny := uint32(unix.SECCOMP_RET_ERRNO | uint32(syscall.EACCES))
	allow := uint32(unix.SECCOMP_RET_ALLOW)
	// Jumps count the instructions skipped after the current one: to reach instruction T from
	// instruction i, jump T-i-1. 21 denies, 19 reads a socket's family.
	filter := []unix.SockFilter{
		/* 0 */ {Code: ld, K: archOffset},
		/* 1 */ {Code: jeq, K: arch, Jt: 9, Jf: 0}, // native: 11
		/* 2 */ {Code: jeq, K: unix.AUDIT_ARCH_I386, Jt: 0, Jf: 18}, // another arch (32-bit ARM): deny
		/* 3 */ {Code: ld, K: nrOffset}, // i386
		/* 4 */ {Code: jeq, K: 102, Jt: 16, Jf: 0}, // socketcall: deny
		/* 5 */ {Code: jeq, K: ioUringSetup, Jt: 15, Jf: 0},
		/* 6 */ {Code: jeq, K: addKey386, Jt: 14, Jf: 0},
		/* 7 */ {Code: jeq, K: requestKey386, Jt: 13, Jf: 0},
		/* 8 */ {Code: jeq, K: keyctl386, Jt: 12, Jf: 0},
		/* 9 */ {Code: jeq, K: 359, Jt: 9, Jf: 0}, // socket: read its family
		/* 10 */ {Code: ret, K: allow},
		/* 11 */ {Code: ld, K: nrOffset}, // native
		/* 12 */ {Code: jge, K: x32Bit, Jt: 8, Jf: 0}, // x32's calls: deny
		/* 13 */ {Code: jeq, K: socketNr, Jt: 5, Jf: 0},
		/* 14 */ {Code: jeq, K: ioUringSetup, Jt: 6, Jf: 0},
		/* 15 */ {Code: jeq, K: addKey, Jt: 5, Jf: 0},
		/* 16 */ {Code: jeq, K: requestKey, Jt: 4, Jf: 0},
		/* 17 */ {Code: jeq, K: keyctl, Jt: 3, Jf: 0},
		/* 18 */ {Code: ret, K: allow},
		/* 19 */ {Code: ld, K: arg0Offset},
		/* 20 */ {Code: jeq, K: unix.AF_UNIX, Jt: 0, Jf: 1},
		/* 21 */ {Code: ret, K: deny},
		/* 22 */ {Code: ret, K: allow},
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&prog)), 0, 0); err != nil {
		return fmt.Errorf("confining sockets (seccomp): %w", err)
	}
	return nil
}
