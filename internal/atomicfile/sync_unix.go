//go:build !windows

package atomicfile

import "os"

// syncDir makes a rename durable; errors are ignored because the data is already safe in the
// file and some file systems refuse to sync a directory.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
