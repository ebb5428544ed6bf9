//go:build !windows

package atomicfile

import "os"

// irregularIsFile: on Unix every kind of file has its own mode bit; an irregular one is not a
// file WriteFile may replace.
const irregularIsFile = false

func chmodTemp(f *os.File, perm os.FileMode) error { return f.Chmod(perm) }

// replace renames tmp over path: rename(2) is atomic, and replaces a link at path rather than
// writing through it (WriteFile has resolved links before).
func replace(tmp, path string) error { return os.Rename(tmp, path) }
