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
// they connect to nothing. A 32-bit program's socketcall, whose arguments a filter cannot read,
// is refused whole, and so is io_uring, which can make sockets without the system call. The filter is a handful of instructions, written here rather than through
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
		ret = unix.BPF_RET | unix.BPF_K
	)
	deny := uint32(unix.SECCOMP_RET_ERRNO | uint32(syscall.EACCES))
	allow := uint32(unix.SECCOMP_RET_ALLOW)
	// Jumps count the instructions skipped after the current one.
	filter := []unix.SockFilter{
		/* 0 */ {Code: ld, K: archOffset},
		/* 1 */ {Code: jeq, K: arch, Jt: 5, Jf: 0}, // native: 7
		/* 2 */ {Code: jeq, K: unix.AUDIT_ARCH_I386, Jt: 0, Jf: 11}, // another arch: allow
		/* 3 */ {Code: ld, K: nrOffset},
		/* 4 */ {Code: jeq, K: 102, Jt: 8, Jf: 0}, // i386 socketcall: deny
		/* 5 */ {Code: jeq, K: ioUringSetup, Jt: 7, Jf: 0},
		/* 6 */ {Code: jeq, K: 359, Jt: 4, Jf: 7}, // i386 socket: read its family
		/* 7 */ {Code: ld, K: nrOffset},
		/* 8 */ {Code: jeq, K: socketNr, Jt: 2, Jf: 0},
		/* 9 */ {Code: jeq, K: socketNr | x32Bit, Jt: 1, Jf: 0},
		/* 10 */ {Code: jeq, K: ioUringSetup, Jt: 2, Jf: 3},
		/* 11 */ {Code: ld, K: arg0Offset},
		/* 12 */ {Code: jeq, K: unix.AF_UNIX, Jt: 0, Jf: 1},
		/* 13 */ {Code: ret, K: deny},
		/* 14 */ {Code: ret, K: allow},
	}
	prog := unix.SockFprog{Len: uint16(len(filter)), Filter: &filter[0]}
	if err := unix.Prctl(unix.PR_SET_SECCOMP, unix.SECCOMP_MODE_FILTER, uintptr(unsafe.Pointer(&prog)), 0, 0); err != nil {
		return fmt.Errorf("confining sockets (seccomp): %w", err)
	}
	return nil
}
