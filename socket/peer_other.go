//go:build unix && !linux && !darwin

package socket

import "golang.org/x/sys/unix"

func peerUID(fd int) (int, error) {
	uid, _, err := unix.Getpeereid(fd)
	return uid, err
}
