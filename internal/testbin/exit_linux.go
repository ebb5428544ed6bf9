package testbin

import (
	"errors"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// WaitExit waits until every one of pids has exited, failing the test with a sentence naming
// what and the survivor after 20 s. On Linux it waits on a pidfd, which becomes readable
// when the process exits (any process, not only a child of the test): an event, not a poll.
func WaitExit(t testing.TB, what string, pids ...int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, pid := range pids {
		fd, err := unix.PidfdOpen(pid, 0)
		if errors.Is(err, unix.ESRCH) {
			continue // gone and reaped already
		}
		if err != nil {
			t.Fatalf("watching process %d: %v", pid, err)
		}
		for {
			left := time.Until(deadline)
			if left <= 0 {
				unix.Close(fd)
				t.Fatalf("process %d is still alive: %s did not happen within 20 s", pid, what)
			}
			n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, int(left.Milliseconds())+1)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil {
				unix.Close(fd)
				t.Fatalf("watching process %d: %v", pid, err)
			}
			if n > 0 {
				break
			}
		}
		unix.Close(fd)
	}
}
