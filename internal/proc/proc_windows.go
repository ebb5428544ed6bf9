package proc

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/windows"
)

// lookup finds pid's parent in a process snapshot and its creation time from the process.
func lookup(pid int) (Info, error) {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return Info{}, fmt.Errorf("reading the process table: %w", err)
	}
	defer windows.CloseHandle(snap)
	var e windows.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	parent := -1
	for err = windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		if int(e.ProcessID) == pid {
			parent = int(e.ParentProcessID)
			break
		}
	}
	if parent < 0 {
		return Info{}, fmt.Errorf("no process has pid %d", pid)
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return Info{}, fmt.Errorf("reading process %d: %w", pid, err)
	}
	defer windows.CloseHandle(h)
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(h, &created, &exited, &kernel, &user); err != nil {
		return Info{}, fmt.Errorf("reading process %d: %w", pid, err)
	}
	start := uint64(created.HighDateTime)<<32 | uint64(created.LowDateTime)
	return Info{ID: ID{Pid: pid, Start: start}, Parent: parent}, nil
}

func executable(pid int) (string, error) {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return "", fmt.Errorf("reading the program of process %d: %w", pid, err)
	}
	defer windows.CloseHandle(h)
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n := uint32(len(buf))
	if err := windows.QueryFullProcessImageName(h, 0, &buf[0], &n); err != nil {
		return "", fmt.Errorf("reading the program of process %d: %w", pid, err)
	}
	return windows.UTF16ToString(buf[:n]), nil
}

// terminal: Windows has no controlling terminals in this sense; known is false.
func terminal(int) (int, int, bool, error) { return 0, 0, false, nil }
