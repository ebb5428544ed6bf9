package filelock

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestTryLockSeesAnotherProcess: a lock held by another process makes TryLock fail with
// ErrLocked, and is free again once that process exits (the lock goes with the process).
func TestTryLockSeesAnotherProcess(t *testing.T) {
	if os.Getenv("FILELOCK_HOLD") != "" {
		if _, err := Lock(os.Getenv("FILELOCK_HOLD")); err != nil {
			os.Exit(2)
		}
		os.Stdout.WriteString("held\n")
		os.Stdin.Read(make([]byte, 1)) // until the parent closes our input
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "x.lock")
	cmd := exec.Command(os.Args[0], "-test.run=^TestTryLockSeesAnotherProcess$")
	cmd.Env = append(os.Environ(), "FILELOCK_HOLD="+path)
	in, _ := cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := out.Read(make([]byte, 5)); err != nil {
		t.Fatalf("the holder did not take the lock: %v", err)
	}
	if _, err := TryLock(path); !errors.Is(err, ErrLocked) {
		t.Fatalf("TryLock while another process holds it: %v, want ErrLocked", err)
	}
	in.Close()
	cmd.Wait()
	unlock, err := TryLock(path)
	if err != nil {
		t.Fatalf("TryLock after the holder exited: %v", err)
	}
	unlock()
}
