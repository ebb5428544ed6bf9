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
	// The owner still gets in (once the folder is private again, as a client demands).
	os.Chmod(dir, 0o700)
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

// A folder another user made first, one open to others, and links are refused from both ends:
// Listen will not serve there and Dial will not connect there.
func TestSquattedFolderIsRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Fatal("giving a folder to another user needs root; CI runs as root")
	}
	untrusted := func(t *testing.T, err error, want string) {
		t.Helper()
		var ue *UntrustedError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v, want an UntrustedError saying %q", err, want)
		}
	}
	t.Run("another user's folder", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "mcptray-0")
		os.Mkdir(dir, 0o700)
		path := filepath.Join(dir, "s.sock")
		l, err := Listen(path, nil) // as if another user's program listened there
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() {
			if c, err := l.Accept(); err == nil {
				c.Write([]byte("fake tools\n"))
				c.Close()
			}
		}()
		if err := os.Chown(dir, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		_, err = Dial(context.Background(), path)
		untrusted(t, err, "belongs to user id 65534")
		_, err = Listen(path, nil)
		untrusted(t, err, "belongs to user id 65534")
		if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
			t.Errorf("Listen changed the mode of another user's folder to %v", fi.Mode())
		}
	})
	t.Run("a folder open to others", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "open")
		path := filepath.Join(dir, "s.sock")
		l, err := Listen(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		os.Chmod(dir, 0o777)
		_, err = Dial(context.Background(), path)
		untrusted(t, err, "open to other users")
	})
	t.Run("a link", func(t *testing.T) {
		real := filepath.Join(t.TempDir(), "real")
		path := filepath.Join(real, "s.sock")
		l, err := Listen(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		link := filepath.Join(t.TempDir(), "link")
		os.Symlink(real, link)
		_, err = Dial(context.Background(), filepath.Join(link, "s.sock"))
		untrusted(t, err, "symbolic link")
		_, err = Listen(filepath.Join(link, "s.sock"), nil)
		untrusted(t, err, "symbolic link")
		dangling := filepath.Join(t.TempDir(), "dangling")
		os.Symlink(filepath.Join(t.TempDir(), "not-yet"), dangling)
		_, err = Listen(filepath.Join(dangling, "s.sock"), nil)
		untrusted(t, err, "symbolic link")
		sockLink := filepath.Join(real, "l.sock")
		os.Symlink(path, sockLink)
		_, err = Dial(context.Background(), sockLink)
		untrusted(t, err, "symbolic link")
	})
	t.Run("a listener of another user", func(t *testing.T) {
		// The folder and the socket file are ours, but the process listening is not.
		python := "/usr/bin/python3"
		if _, err := os.Stat(python); err != nil {
			t.Fatal("/usr/bin/python3 is needed to listen as another user: apt-get install python3")
		}
		dir, err := os.MkdirTemp("", "socket-squat-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		os.Chmod(dir, 0o777)
		path := filepath.Join(dir, "s.sock")
		cmd := exec.Command(python, "-c", `import socket,sys,os
s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); print("ready", flush=True)
c,_=s.accept(); c.send(b"fake tools\n"); c.close()`, path)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Kill(); cmd.Wait() }()
		if line, _ := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
			t.Fatalf("listener as nobody: %q", line)
		}
		os.Chmod(dir, 0o700)
		os.Lchown(path, 0, 0)
		_, err = Dial(context.Background(), path)
		untrusted(t, err, "served by a program of user id 65534")
	})
}

func TestPeerIsTheOtherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	l, err := Listen(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan Cred, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		cred, _ := Peer(c)
		got <- cred
		c.Close()
	}()
	c, err := Dial(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	daemon, err := Peer(c)
	if err != nil || daemon.Pid != os.Getpid() || daemon.UID != os.Getuid() {
		t.Errorf("the dialed side's peer = %+v, %v", daemon, err)
	}
	if client := <-got; client.Pid != os.Getpid() || client.UID != os.Getuid() {
		t.Errorf("the accepted side's peer = %+v", client)
	}
}
