//go:build unix

package supervisor

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// gatedRunner writes a program called npx that, like npx downloading a package, answers
// nothing until a line is written to the FIFO it returns; then it answers MCP Tray's ping,
// prints "after", and echoes its input.
func gatedRunner(t *testing.T) (command, gate string) {
	dir := t.TempDir()
	gate = filepath.Join(dir, "gate")
	if err := syscall.Mkfifo(gate, 0o600); err != nil {
		t.Fatal(err)
	}
	command = filepath.Join(dir, "npx")
	script := "#!/bin/sh\nread ping\nread go < \"$GATE\"\n" +
		`printf '{"jsonrpc":"2.0","id":"mcptray-ready","result":{}}\n'` + "\nprintf 'after\\n'\ncat\n"
	if err := os.WriteFile(command, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return command, gate
}

// A package runner's spare is Starting until it answers, then Running; the client that takes
// it reads what the server wrote after the answer, not the answer.
func TestPackageRunnerIsStartingUntilItAnswers(t *testing.T) {
	command, gate := gatedRunner(t)
	s := newSup(t, Options{})
	s.Apply([]Spec{{Name: "r", Command: command, Env: map[string]string{"GATE": gate}}})
	st := waitStatus(t, s, "r", "starting with a process", func(st Status) bool { return st.State == Starting && st.Pid > 0 })
	if now := statusOf(s, "r"); now.State != Starting {
		t.Fatalf("before answering, r is %s", now.State)
	}
	f, err := os.OpenFile(gate, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("go\n")
	f.Close()
	waitStatus(t, s, "r", "running", running)
	p, err := s.Take(context.Background(), "r")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	if p.Pid() != st.Pid {
		t.Fatalf("Take gave pid %d, want the spare %d", p.Pid(), st.Pid)
	}
	line, err := bufio.NewReader(p.Stdout()).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "after" {
		t.Fatalf("the client read %q (%v); want what followed the ping's answer", line, err)
	}
}

// A client connecting while the spare has not answered gets a process of its own.
func TestTakeWhileStartingGivesAFreshProcess(t *testing.T) {
	command, gate := gatedRunner(t)
	s := newSup(t, Options{})
	s.Apply([]Spec{{Name: "r", Command: command, Env: map[string]string{"GATE": gate}}})
	st := waitStatus(t, s, "r", "starting with a process", func(st Status) bool { return st.State == Starting && st.Pid > 0 })
	p, err := s.Take(context.Background(), "r")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	if p.Pid() == st.Pid {
		t.Fatal("the client was given the spare that had not answered yet")
	}
	if now := statusOf(s, "r"); now.State != Starting || now.Pid != st.Pid {
		t.Errorf("after the take, r is %s with pid %d; want still starting with %d", now.State, now.Pid, st.Pid)
	}
}
