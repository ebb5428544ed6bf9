package supervisor

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestAServerLeadsASessionOfItsOwn: a server does not share the session (and so the
// controlling terminal) of the program that started it, which may be `mcptray scan` in the
// person's shell: with no terminal it cannot open /dev/tty and type into that shell
// (TIOCSTI). Its session and process group are its own pid, which the tree kill signals.
func TestAServerLeadsASessionOfItsOwn(t *testing.T) {
	s := newSup(t, Options{})
	s.Apply([]Spec{{Name: "a", Command: fake}})
	spare := waitStatus(t, s, "a", "running", running)
	p, err := s.Take(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(spare.Pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// After the command's closing parenthesis: state, ppid, pgrp, session, tty_nr.
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	pid := strconv.Itoa(spare.Pid)
	if f[2] != pid || f[3] != pid || f[4] != "0" {
		t.Errorf("the server (pid %s) has process group %s, session %s and terminal %s; want its own group and session, and no terminal", pid, f[2], f[3], f[4])
	}
	if own := os.Getpid(); f[3] == strconv.Itoa(own) {
		t.Error("the server shares the test's session")
	}
}
