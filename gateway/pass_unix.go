//go:build !windows

package gateway

import (
	"os"
	"syscall"
)

// canPass reports whether f can be handed to the daemon: a pipe or a socket. A terminal is
// not, since a daemon reading a terminal it does not own would be stopped by the kernel.
func canPass(f *os.File) bool {
	if f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&(os.ModeNamedPipe|os.ModeSocket) != 0
}

// blockAgain puts f back in blocking mode. The daemon makes the stdio it is handed
// non-blocking, and that flag is shared with the bridge's own descriptor: when the daemon then
// refuses the connection, the bridge must read its stdin as the blocking file it was.
func blockAgain(f *os.File) {
	if f != nil {
		syscall.SetNonblock(int(f.Fd()), false)
	}
}
