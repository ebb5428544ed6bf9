//go:build !windows

package clients

import (
	"os"
	"syscall"
)

// hasOtherNames reports whether the file at path (the file a link at path points to) has
// more than one name (hard links).
func hasOtherNames(path string) bool {
	fi, err := os.Stat(path)
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink > 1
}
