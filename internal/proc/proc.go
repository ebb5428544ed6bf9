// Package proc reads what the operating system says about a process: its parent, when it
// started and its program file. MCP Tray uses it to tell who is asking: the process at the
// other end of a socket connection, by the processes it descends from.
//
// A pid alone does not name a process for long: once a process ends, the system may give its
// pid to a new one. An ID pairs the pid with the start time, so that a process recorded earlier
// is never mistaken for a later one with the same pid.
package proc

import (
	"errors"
	"fmt"
)

// ErrUnsupported is returned where this operating system's process table is not read.
var ErrUnsupported = errors.New("reading the process table is not supported on this system")

// ID names one process: its pid and its start time, in a unit of the system's choosing that
// only ever compares for equality and order.
type ID struct {
	Pid   int
	Start uint64
}

// Info is one process as the system describes it now.
type Info struct {
	ID
	Parent int // the parent's pid; 0 when it has none
	// Group and Session are the pids of its process group's and session's leaders (0 where
	// the system has none). A process keeps them when its parent ends and it is given to
	// another: they still say where it came from unless it left them itself (setsid).
	Group, Session int
}

// Lookup reads pid's entry in the process table. It fails when no such process exists.
func Lookup(pid int) (Info, error) {
	if pid <= 0 {
		return Info{}, fmt.Errorf("no process has pid %d", pid)
	}
	return lookup(pid)
}

// Identify returns the ID of the live process pid.
func Identify(pid int) (ID, error) {
	i, err := Lookup(pid)
	return i.ID, err
}

// Live reports whether id still names a running process: the pid exists and started at the
// same time.
func (id ID) Live() bool {
	i, err := Lookup(id.Pid)
	return err == nil && i.Start == id.Start
}

// Executable returns the path of the program pid runs, as the system records it (not what the
// process says about itself).
func Executable(pid int) (string, error) {
	if pid <= 0 {
		return "", fmt.Errorf("no process has pid %d", pid)
	}
	return executable(pid)
}

// Terminal returns the device number of pid's controlling terminal (0 when it has none) and
// the process group in that terminal's foreground (the command a person is running there).
// known is false where the system does not say (every system but Linux, for now): the
// caller must then not treat "no terminal" as a fact.
func Terminal(pid int) (tty, foreground int, known bool, err error) {
	if pid <= 0 {
		return 0, 0, false, fmt.Errorf("no process has pid %d", pid)
	}
	return terminal(pid)
}

// maxDepth bounds a walk up the process tree; real trees are a few dozen deep.
const maxDepth = 512

// Ancestry returns pid and its ancestors, nearest first, ending with a process that has no
// parent (pid 1, or the system's root). It fails only when pid itself cannot be read. A parent
// that ended while the tree was being read, or whose pid already went to a process that started
// after its child, ends the chain: the child no longer descends from anything above it (the
// system gave it a new parent, or on Windows none).
func Ancestry(pid int) ([]Info, error) {
	first, err := Lookup(pid)
	if err != nil {
		return nil, err
	}
	chain := []Info{first}
	for len(chain) < maxDepth {
		child := chain[len(chain)-1]
		if child.Parent <= 0 || child.Parent == child.Pid {
			break
		}
		i, err := Lookup(child.Parent)
		if err != nil || i.Start > child.Start {
			break
		}
		chain = append(chain, i)
	}
	return chain, nil
}
