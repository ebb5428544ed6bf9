//go:build !linux

package gateway

import (
	"io"
	"os"
)

// fastFile is the Linux raw-I/O path (fastio_linux.go); elsewhere files are used as they are.
type fastFile struct{ io.ReadWriter }

func fastOf(any) *fastFile { return nil }

// RawIO returns f: the raw path is Linux's (fastio_linux.go).
func RawIO(f *os.File) io.ReadWriter { return f }
