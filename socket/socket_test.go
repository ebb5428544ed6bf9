//go:build !windows

package socket

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSocketIsOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "home")
	path := filepath.Join(dir, "mcptray.sock")
	l, err := Listen(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for p, want := range map[string]os.FileMode{dir: 0o700 | os.ModeDir, path: 0o600 | os.ModeSocket} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s mode = %v, want %v", p, fi.Mode(), want)
		}
	}
}

func TestSecondListenerFindsTheFirstAlive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	l, err := Listen(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	if _, err := Listen(path, nil); !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Listen = %v, want ErrAlreadyRunning", err)
	}
	l.Close()
	// A stale socket file (daemon crashed) is replaced.
	os.WriteFile(path, nil, 0o600)
	l2, err := Listen(path, nil)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	l2.Close()
}

func TestDialWithoutDaemon(t *testing.T) {
	_, err := Dial(context.Background(), filepath.Join(t.TempDir(), "none.sock"))
	if !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Dial = %v, want ErrNotRunning", err)
	}
}

func TestPeerCheck(t *testing.T) {
	if err := allowUID(1000, 1000); err != nil {
		t.Errorf("own user refused: %v", err)
	}
	var pe *PeerError
	if err := allowUID(1001, 1000); !errors.As(err, &pe) || !strings.Contains(err.Error(), "user id 1001") {
		t.Errorf("other user allowed or unclear: %v", err)
	}
}

// TestOtherUserIsRefused connects for real as another user. The folder is opened up for this
// test only, so that the peer check — not the folder's permissions — is what refuses.
func TestOtherUserIsRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Fatal("connecting as another user needs root; CI runs as root (the uid check itself is TestPeerCheck)")
	}
	python := "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Fatal("/usr/bin/python3 is needed to connect as another user: apt-get install python3")
	}
	dir, err := os.MkdirTemp("", "socket-peer-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "s.sock")
	refused := make(chan error, 1)
	l, err := Listen(path, func(err error) { refused <- err })
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	os.Chmod(dir, 0o755)
	os.Chmod(path, 0o777)
	accepted := make(chan struct{}, 1)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("welcome\n"))
			c.Close()
			accepted <- struct{}{}
		}
	}()
	cmd := exec.Command(python, "-c", `import socket,sys
s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print(repr(s.recv(100)))`, path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("client as nobody: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "welcome") {
		t.Fatal("a connection from another user was served")
	}
	select {
	case err := <-refused:
		if !strings.Contains(err.Error(), "user id 65534") {
			t.Errorf("refusal = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("refusal not reported")
	}
	// The owner still gets in.
	c, err := Dial(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(c).ReadString('\n')
	c.Close()
	if line != "welcome\n" {
		t.Fatalf("owner got %q", line)
	}
}
