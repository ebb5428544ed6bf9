package proc

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// statFields reads /proc/PID/stat and returns its fields from field 3 (state) on: field n is
// f[n-3]. The command name, field 2, is in parentheses and may itself hold spaces and
// parentheses, so fields are counted after its last ')'. It fails when fewer than min fields
// follow.
func statFields(pid, min int) ([][]byte, error) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil, fmt.Errorf("reading process %d: %w", pid, err)
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return nil, fmt.Errorf("process %d's stat is unreadable", pid)
	}
	f := bytes.Fields(stat[i+1:])
	if len(f) < min {
		return nil, fmt.Errorf("process %d's stat is too short", pid)
	}
	return f, nil
}

// lookup reads /proc/PID/stat: the parent is field 4, the process group 5, the session 6, the
// start time (in clock ticks since boot) field 22.
func lookup(pid int) (Info, error) {
	f, err := statFields(pid, 20)
	if err != nil {
		return Info{}, err
	}
	parent, err1 := strconv.Atoi(string(f[1]))
	group, err2 := strconv.Atoi(string(f[2]))
	session, err3 := strconv.Atoi(string(f[3]))
	start, err4 := strconv.ParseUint(string(f[19]), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return Info{}, fmt.Errorf("process %d's stat is unreadable", pid)
	}
	return Info{ID: ID{Pid: pid, Start: start}, Parent: parent, Group: group, Session: session}, nil
}

// terminal reads fields 7 and 8 of /proc/PID/stat: tty_nr and tpgid.
func terminal(pid int) (int, int, bool, error) {
	f, err := statFields(pid, 6)
	if err != nil {
		return 0, 0, true, err
	}
	tty, err1 := strconv.Atoi(string(f[4]))
	fg, err2 := strconv.Atoi(string(f[5]))
	if err1 != nil || err2 != nil {
		return 0, 0, true, fmt.Errorf("process %d's stat is unreadable", pid)
	}
	return tty, fg, true, nil
}

func executable(pid int) (string, error) {
	p, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	if err != nil {
		return "", fmt.Errorf("reading the program of process %d: %w", pid, err)
	}
	return p, nil
}
