//go:build unix

package store

import (
	"io/fs"
	"syscall"
)

func keyOf(info fs.FileInfo) (statKey, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return statKey{}, false
	}
	ctime, mtime := statTimes(st)
	return statKey{size: uint64(st.Size), ino: uint64(st.Ino), dev: uint64(st.Dev), mtime: mtime, ctime: ctime, mode: info.Mode()}, true
}
