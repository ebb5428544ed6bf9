package proc

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

func TestAncestryOfAChild(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the process table is read on Linux and macOS")
	}
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	chain, err := Ancestry(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if len(chain) < 2 || chain[0].Pid != cmd.Process.Pid || chain[1].Pid != os.Getpid() {
		t.Fatalf("ancestry of a child = %+v; want the child, then this process", chain)
	}
	self, _ := Identify(os.Getpid())
	if chain[1].ID != self || !self.Live() {
		t.Fatalf("this process: %+v vs %+v", chain[1].ID, self)
	}
	// Another start time is another process, even with the same pid.
	if (ID{Pid: self.Pid, Start: self.Start + 1}).Live() {
		t.Fatal("an ID with another start time counts as live")
	}
	exe, err := Executable(cmd.Process.Pid)
	if err != nil || filepath.Base(exe) != "sleep" {
		t.Fatalf("Executable = %q, %v", exe, err)
	}
}

func TestNoProcessHasPidZero(t *testing.T) {
	if _, err := Lookup(0); err == nil {
		t.Fatal("pid 0 looked up")
	}
}
