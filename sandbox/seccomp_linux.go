package sandbox

import (
	"fmt"
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// denyUnixSockets installs a seccomp filter on this thread (inherited by the program it then
// execs) that fails socket(AF_UNIX, …) with EACCES. Landlock before ABI 9 does not govern
// connecting to a socket at a path, and a network namespace does not cut off sockets that are
// files: without this a confined server reaches the session bus (and through it the keychain
// and the user's service manager), an ssh-agent, the X server and any other socket the person
// can. Socket pairs (socketpair), which runtimes use for their children's stdio, stay allowed:
// they connect to nothing of their own (a datagram pair can still send to a datagram socket
// file, such as the system log's). A 32-bit x86 program's socketcall, whose arguments a filter
// cannot read, is refused whole, and so is io_uring, which can make sockets without the system
// call; the x32 calls and any other architecture's (32-bit ARM on arm64) are refused entirely. The filter is a handful of instructions, written here rather than through
// a seccomp library for that. no_new_privs must be set (restrictThread sets it).
func denyUnixSockets() error {
	const (
		archOffset = 4  // offsetof(struct seccomp_data, arch)
		nrOffset   = 0  // offsetof(struct seccomp_data, nr)
		arg0Offset = 16 // offsetof(struct seccomp_data, args[0]), its low half on little-endian
		x32Bit     = 0x40000000
		// io_uring makes sockets without the socket system call (IORING_OP_SOCKET): refused
		// too, as Docker's default profile does; runtimes that try it fall back to threads.
		ioUringSetup = 425 // the same number on amd64, arm64 and i386
	)
	var arch, socketNr uint32
	switch runtime.GOARCH {
	case "amd64":
		arch, socketNr = unix.AUDIT_ARCH_X86_64, 41
	case "arm64":
		arch, socketNr = unix.AUDIT_ARCH_AARCH64, 198
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
	// Jumps count the instructions skipped after the current one.
	filter := []unix.SockFilter{
		/* 0 */ {Code: ld, K: archOffset},
		/* 1 */ {Code: jeq, K: arch, Jt: 6, Jf: 0}, // native: 8
		/* 2 */ {Code: jeq, K: unix.AUDIT_ARCH_I386, Jt: 0, Jf: 12}, // another arch (32-bit ARM): deny
		/* 3 */ {Code: ld, K: nrOffset}, // i386
		/* 4 */ {Code: jeq, K: 102, Jt: 10, Jf: 0}, // socketcall: deny
		/* 5 */ {Code: jeq, K: ioUringSetup, Jt: 9, Jf: 0},
		/* 6 */ {Code: jeq, K: 359, Jt: 6, Jf: 0}, // socket: read its family
		/* 7 */ {Code: ret, K: allow},
		/* 8 */ {Code: ld, K: nrOffset}, // native
		/* 9 */ {Code: jge, K: x32Bit, Jt: 5, Jf: 0}, // x32's calls: deny
		/* 10 */ {Code: jeq, K: socketNr, Jt: 2, Jf: 0},
		/* 11 */ {Code: jeq, K: ioUringSetup, Jt: 3, Jf: 0},
		/* 12 */ {Code: ret, K: allow},
		/* 13 */ {Code: ld, K: arg0Offset},
		/* 14 */ {Code: jeq, K: unix.AF_UNIX, Jt: 0, Jf: 1},
		/* 15 */ {Code: ret, K: deny},
		/* 16 */ {Code: ret, K: allow},
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&prog)), 0, 0); err != nil {
		return fmt.Errorf("confining sockets (seccomp): %w", err)
	}
	return nil
}
