//go:build darwin || freebsd || netbsd || openbsd

package store

import "syscall"

func statTimes(st *syscall.Stat_t) (ctime, mtime int64) {
	return st.Ctimespec.Nano(), st.Mtimespec.Nano()
}
