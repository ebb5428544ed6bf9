package socket

import "golang.org/x/sys/unix"

// peerCred reads the other end's user and process (SO_PEERCRED). On a connection the daemon
// accepted it is the client's; on one a client dialed, the daemon's (as of its listen).
func peerCred(fd int) (Cred, error) {
	cred, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return Cred{UID: -1}, err
	}
	return Cred{UID: int(cred.Uid), Pid: int(cred.Pid)}, nil
}
