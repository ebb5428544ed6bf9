package testbin

import (
	"bytes"
	"os"
	"strconv"
)

// Alive reports whether pid is a live process (not a zombie). Linux only; elsewhere it
// reports whether the pid exists.
func Alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	f := bytes.Fields(stat[i+1:])
	return len(f) > 0 && string(f[0]) != "Z" && string(f[0]) != "X"
}

// GroupAlive reports whether a live process (not a zombie) is left in process group pgid
// (Linux /proc).
func GroupAlive(pgid int) bool {
	alive := false
	liveProcs(func(_ int, stat [][]byte) {
		if g, _ := strconv.Atoi(string(stat[2])); g == pgid {
			alive = true
		}
	})
	return alive
}

// Descendants returns the live processes descended from pid (Linux /proc).
func Descendants(pid int) []int {
	children := map[int][]int{}
	liveProcs(func(p int, stat [][]byte) {
		pp, _ := strconv.Atoi(string(stat[1]))
		children[pp] = append(children[pp], p)
	})
	var out []int
	var walk func(int)
	walk = func(p int) {
		for _, c := range children[p] {
			out = append(out, c)
			walk(c)
		}
	}
	walk(pid)
	return out
}

// liveProcs calls visit with every live process (not a zombie) and the fields of its
// /proc/PID/stat after the command's name: state, parent, process group, … .
func liveProcs(visit func(pid int, stat [][]byte)) {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		f := bytes.Fields(stat[bytes.LastIndexByte(stat, ')')+1:])
		if len(f) < 3 || string(f[0]) == "Z" || string(f[0]) == "X" {
			continue
		}
		visit(p, f)
	}
}

// OpenFDs counts this process's open file descriptors (Linux).
func OpenFDs() int {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(entries)
}
