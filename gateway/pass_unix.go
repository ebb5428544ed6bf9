//go:build !windows

package gateway

import "os"

// canPass reports whether f can be handed to the daemon: a pipe or a socket. A terminal is
// not, since a daemon reading a terminal it does not own would be stopped by the kernel.
func canPass(f *os.File) bool {
	if f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&(os.ModeNamedPipe|os.ModeSocket) != 0
}
