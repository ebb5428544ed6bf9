package store

import "syscall"

func statTimes(st *syscall.Stat_t) (ctime, mtime int64) {
	return st.Ctim.Nano(), st.Mtim.Nano()
}
