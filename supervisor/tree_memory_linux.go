package supervisor

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// TreeMemory returns the resident memory (VmRSS), in bytes, of each of pids together with
// its descendants, reading /proc once for all of them. A pid that is gone counts 0. It does
// not block on anything but /proc and is safe for concurrent use.
func TreeMemory(pids []int) map[int]int64 {
	out := map[int]int64{}
	if len(pids) == 0 {
		return out
	}
	children := map[int][]int{}
	_ = eachProc(func(p procStat) bool {
		children[p.ppid] = append(children[p.ppid], p.pid)
		return true
	})
	for _, pid := range pids {
		var total int64
		seen := map[int]bool{}
		var walk func(int)
		walk = func(p int) {
			if seen[p] {
				return
			}
			seen[p] = true
			total += rss(p)
			for _, c := range children[p] {
				walk(c)
			}
		}
		walk(pid)
		out[pid] = total
	}
	return out
}

// procStat is what /proc/PID/stat says about one process.
type procStat struct {
	pid, ppid, pgrp int
	state           string // R, S, D, Z (zombie), X (dead), ...
}

// eachProc calls f with each process's stat in /proc until f returns false; a process that
// ends meanwhile is passed over. It fails only if /proc cannot be listed.
func eachProc(f func(procStat) bool) error {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return err
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// Fields after the parenthesised command: state ppid pgrp ...
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := bytes.Fields(stat[i+1:])
		if len(fields) < 3 {
			continue
		}
		ppid, err := strconv.Atoi(string(fields[1]))
		if err != nil {
			continue
		}
		pgrp, _ := strconv.Atoi(string(fields[2]))
		if !f(procStat{pid: pid, ppid: ppid, pgrp: pgrp, state: string(fields[0])}) {
			return nil
		}
	}
	return nil
}

// rss reads one process's VmRSS in bytes; 0 if it is gone.
func rss(pid int) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		fields := strings.Fields(v)
		if len(fields) == 0 {
			return 0
		}
		kb, _ := strconv.ParseInt(fields[0], 10, 64)
		return kb * 1024
	}
	return 0
}
