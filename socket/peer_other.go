//go:build unix && !linux && !darwin

package socket

import "golang.org/x/sys/unix"

// peerCred reads the other end's user; these systems do not say which process it is (Pid 0).
func peerCred(fd int) (Cred, error) {
	uid, _, err := unix.Getpeereid(fd)
	if err != nil {
		return Cred{UID: -1}, err
	}
	return Cred{UID: uid}, nil
}
