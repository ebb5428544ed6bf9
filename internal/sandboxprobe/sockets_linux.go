package main

import (
	"syscall"
	"unsafe"
)

// sockets tries what the sandbox's socket filter decides: "pair", a socket pair (allowed), and
// "uring", setting up io_uring, which makes sockets without the socket system call (refused).
func sockets(op string) error {
	if op == "pair" {
		fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
		if err == nil {
			syscall.Close(fds[0])
			syscall.Close(fds[1])
		}
		return err
	}
	var params [120]byte                                                            // struct io_uring_params
	fd, _, errno := syscall.Syscall(425, 1, uintptr(unsafe.Pointer(&params[0])), 0) // io_uring_setup
	if errno != 0 {
		return errno
	}
	syscall.Close(int(fd))
	return nil
}
