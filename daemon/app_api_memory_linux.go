package daemon

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// treeMemory sums the resident memory (VmRSS) of each pid and its descendants, from /proc,
// which it reads once for all of them.
func treeMemory(pids []int) map[int]int64 {
	out := map[int]int64{}
	if len(pids) == 0 {
		return out
	}
	children := map[int][]int{}
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
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(stat[i+1:])
		if len(f) < 2 {
			continue
		}
		if pp, err := strconv.Atoi(string(f[1])); err == nil {
			children[pp] = append(children[pp], p)
		}
	}
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
