//go:build !windows

package clients

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// linkCopy makes target a second name of the file at path (the file a link at path points
// to), so a backup of a big file costs no copy: MCP Tray then replaces path by a new file
// (atomicfile renames over it), and the old content lives on under target alone. It fails
// across file systems, and for a file that already has another name (a person's hard link
// into a dotfiles folder, say), which would then share the backup's content and mode; the
// caller then writes the copy.
func linkCopy(path, target string) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || st.Nlink != 1 {
		return errors.New("the file has other names")
	}
	return os.Link(real, target)
}
