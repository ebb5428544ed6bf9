package socket

import "golang.org/x/sys/unix"

// peerCred reads the other end's user (LOCAL_PEERCRED) and process (LOCAL_PEERPID).
func peerCred(fd int) (Cred, error) {
	cred, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	if err != nil {
		return Cred{UID: -1}, err
	}
	pid, err := unix.GetsockoptInt(fd, unix.SOL_LOCAL, unix.LOCAL_PEERPID)
	if err != nil {
		return Cred{UID: -1}, err
	}
	return Cred{UID: int(cred.Uid), Pid: pid}, nil
}
