// Command sandboxprobe is a hostile server for the sandbox tests: it tries what a malicious
// MCP server would (read keys and credentials, MCP Tray's files and other servers' folders,
// write outside its folders, connect to MCP Tray's control socket, open a TCP connection) and
// reports each attempt's result, one JSON object per line on stdout, and each failure in Go's
// own words on stderr, as a real server's log would show it.
//
// Attempts are arguments of the form OP=TARGET:
//
//	read=/path         read a file
//	list=/path         list a folder
//	write=/path        create (or truncate) a file and write to it
//	unix=/path.sock    connect to a Unix socket
//	tcp=host:port      open a TCP connection
//	exec=/path         run a program (with no arguments)
//	run=PROGRAM ARGS…  run a program with arguments (split at spaces)
//	unshare=NAMES, clone=NAMES, setns=NAME
//	                   enter new namespaces ("user+mount"; namespaces_linux.go)
//
// With -ready it prints its pid and "ready" first, then waits for stdin to close: the
// spawn-to-ready benchmark and the test that the server keeps its pid use it. With -stay
// first, it makes its attempts and then waits for stdin to close, as a server would.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Result is one attempt's outcome.
type Result struct {
	Op     string `json:"op"`
	Target string `json:"target"`
	OK     bool   `json:"ok"`
	Err    string `json:"err,omitempty"`
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "-ready" {
		fmt.Fprintf(out, "ready %d\n", os.Getpid())
		out.Flush()
		io.Copy(io.Discard, os.Stdin)
		return
	}
	stay := len(args) > 0 && args[0] == "-stay"
	if stay {
		args = args[1:]
	}
	for _, a := range args {
		op, target, _ := strings.Cut(a, "=")
		err := attempt(op, target)
		r := Result{Op: op, Target: target, OK: err == nil}
		if err != nil {
			r.Err = err.Error()
			fmt.Fprintln(os.Stderr, err)
		}
		enc.Encode(r)
	}
	if stay {
		out.Flush()
		io.Copy(io.Discard, os.Stdin)
	}
}

func attempt(op, target string) error {
	switch op {
	case "read":
		_, err := os.ReadFile(target)
		return err
	case "list":
		_, err := os.ReadDir(target)
		return err
	case "write":
		return os.WriteFile(target, []byte("planted by a hostile server\n"), 0o600)
	case "unix":
		c, err := net.DialTimeout("unix", target, 2*time.Second)
		if err == nil {
			c.Close()
		}
		return err
	case "pair", "uring":
		return sockets(op)
	case "tcp":
		c, err := net.DialTimeout("tcp", target, 2*time.Second)
		if err == nil {
			c.Close()
		}
		return err
	case "exec":
		return exec.Command(target).Run()
	case "run":
		argv := strings.Fields(target)
		if len(argv) == 0 {
			return fmt.Errorf("no program to run")
		}
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %w: %s", argv[0], err, strings.TrimSpace(string(out)))
		}
		return nil
	case "unshare", "clone", "setns":
		return namespaces(op, target)
	case "capabilities": // hold any capability (root's, say)
		return capabilities()
	case "keyring": // find the session keyring, where a parent's secrets may be
		return sessionKeyring()
	case "tty": // open a terminal device for reading and writing, as a server reading keystrokes would
		f, err := os.OpenFile(target, os.O_RDWR|syscall.O_NOCTTY, 0)
		if err == nil {
			f.Close()
		}
		return err
	}
	return fmt.Errorf("unknown attempt %q", op)
}
