//go:build !windows

package clients

import (
	"os"
	"syscall"
)

// openNoWait opens path for reading without waiting for a writer, should it be a named pipe;
// the caller checks it is a regular file before reading.
func openNoWait(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
