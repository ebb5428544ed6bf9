//go:build linux

package gui

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// tools are the programs this package drives, with the package that installs each.
var tools = [][2]string{
	{"Xvfb", "xvfb"}, {"xdotool", "xdotool"}, {"import", "imagemagick"}, {"dbus-daemon", "dbus"},
}

// needTools fails the test with one sentence naming what to install.
func needTools(t testing.TB) {
	t.Helper()
	var missing []string
	for _, tl := range tools {
		if _, err := exec.LookPath(tl[0]); err != nil {
			missing = append(missing, tl[1])
		}
	}
	if len(missing) > 0 {
		t.Fatalf("the GUI tests need %s: run `sudo apt-get install -y %s` (or `make test`, which installs them)",
			strings.Join(missing, ", "), strings.Join(missing, " "))
	}
}

// display is a private X server (Xvfb) and D-Bus session bus for one test.
type display struct {
	Name string // DISPLAY, for example ":42"
	Bus  string // DBUS_SESSION_BUS_ADDRESS
}

// startDisplay starts Xvfb and dbus-daemon, stopped at cleanup.
func startDisplay(t testing.TB) *display {
	t.Helper()
	needTools(t)
	d := &display{}
	// Xvfb picks a free display number and writes it to fd 3. -noreset: an X server starts over
	// when its last client leaves, and a program connecting meanwhile cannot open the display
	// (GLFW: "Failed to detect any supported platform"); between the tests' short-lived
	// xdotool calls, the app starting is often the next client.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp", "-noreset")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatalf("starting Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	num, err := readLine(r, 10*time.Second)
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb did not say which display it took: %v", err)
	}
	d.Name = ":" + num

	bus := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	out, err := bus.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := bus.Start(); err != nil {
		t.Fatalf("starting dbus-daemon: %v", err)
	}
	t.Cleanup(func() { bus.Process.Kill(); bus.Wait() })
	if d.Bus, err = readLine(out, 10*time.Second); err != nil {
		t.Fatalf("dbus-daemon did not print its address: %v", err)
	}
	startKeyring(t, d)
	return d
}

// startKeyring serves a Secret Service (gnome-keyring, unlocked with a throwaway password) on
// the display's bus, as a person's desktop session does: MCP Tray keeps the keys that seal its
// audit log and its settings in the keychain, and without one every server added from the
// command line would wait for a confirmation.
func startKeyring(t testing.TB, d *display) {
	t.Helper()
	if _, err := exec.LookPath("gnome-keyring-daemon"); err != nil {
		t.Fatal("the GUI tests need gnome-keyring: run `sudo apt-get install -y gnome-keyring` (or `make test`, which installs it)")
	}
	home := t.TempDir()
	run := filepath.Join(home, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+d.Bus, "HOME="+home, "XDG_RUNTIME_DIR="+run,
		"XDG_DATA_HOME="+filepath.Join(home, "data"), "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
	k := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	k.Env = env
	k.Stdin = strings.NewReader("pw")
	if err := k.Start(); err != nil {
		t.Fatalf("starting gnome-keyring: %v", err)
	}
	t.Cleanup(func() { k.Process.Kill(); k.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		q := exec.Command("dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
			"org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets")
		q.Env = env
		if out, _ := q.Output(); strings.Contains(string(out), "boolean true") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("gnome-keyring did not start its Secret Service within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// readLine reads one line from r within timeout.
func readLine(r interface{ Read([]byte) (int, error) }, timeout time.Duration) (string, error) {
	ch := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(r).ReadString('\n')
		if err != nil && line == "" {
			errc <- err
			return
		}
		ch <- strings.TrimSpace(line)
	}()
	select {
	case l := <-ch:
		return l, nil
	case err := <-errc:
		return "", err
	case <-time.After(timeout):
		return "", fmt.Errorf("nothing within %v", timeout)
	}
}

// xdotool runs xdotool on the display and returns its output.
func (d *display) xdotool(args ...string) (string, error) {
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+d.Name)
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// visibleWindow returns the id of a mapped window with this exact title, or "".
func (d *display) visibleWindow(title string) string {
	out, err := d.xdotool("search", "--onlyvisible", "--name", "^"+regexp.QuoteMeta(title)+"$")
	if err != nil || out == "" {
		return ""
	}
	return strings.Fields(out)[0]
}

// waitWindow polls until a window with this title is mapped, failing after timeout.
func (d *display) waitWindow(t testing.TB, title string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if id := d.visibleWindow(title); id != "" {
			return id
		}
		if time.Now().After(deadline) {
			t.Fatalf("no window %q appeared within %v", title, timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// screenshot waits until the window win has been drawn (it maps before its first frame), then
// saves the whole screen as name.png in the artifacts folder and returns the path.
func (d *display) screenshot(t testing.TB, win, name string) string {
	t.Helper()
	path := filepath.Join(artifacts(t), name+".png")
	deadline := time.Now().Add(10 * time.Second)
	for d.colours(t, win, path) < 8 {
		if time.Now().After(deadline) {
			t.Fatalf("the window %s was never drawn (see %s)", win, path)
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.capture(t, "root", path)
	return path
}

// colours captures one window into path and counts the colours in it: a window not yet drawn
// is one flat colour.
func (d *display) colours(t testing.TB, win, path string) int {
	d.capture(t, win, path)
	out, err := exec.Command("identify", "-format", "%k", path).Output()
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	var n int
	fmt.Sscan(string(out), &n)
	return n
}

func (d *display) capture(t testing.TB, win, path string) {
	cmd := exec.Command("import", "-window", win, path)
	cmd.Env = append(os.Environ(), "DISPLAY="+d.Name)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("taking a screenshot: %v\n%s", err, out)
	}
}

// artifacts is where screenshots go: $MCPTRAY_ARTIFACTS, else test/gui/artifacts.
func artifacts(t testing.TB) string {
	dir := os.Getenv("MCPTRAY_ARTIFACTS")
	if dir == "" {
		_, file, _, _ := runtime.Caller(0)
		dir = filepath.Join(filepath.Dir(file), "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startWindowManager runs openbox on the display, as a person's desktop has a window manager:
// it places, frames and focuses windows (and may refuse a window's request to take the focus).
// It returns once openbox has started, and stops with the test.
func startWindowManager(t testing.TB, d *display) {
	t.Helper()
	if _, err := exec.LookPath("openbox"); err != nil {
		t.Fatal("this test needs the window manager openbox: run `sudo apt-get install -y openbox` (or scripts/deps.sh test)")
	}
	home := t.TempDir()
	ready := filepath.Join(home, "ready")
	wm := exec.Command("openbox", "--sm-disable", "--startup", "touch "+ready)
	wm.Env = append(os.Environ(), "DISPLAY="+d.Name, "DBUS_SESSION_BUS_ADDRESS="+d.Bus, "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"), "WAYLAND_DISPLAY=")
	if err := wm.Start(); err != nil {
		t.Fatalf("starting openbox: %v", err)
	}
	t.Cleanup(func() { wm.Process.Kill(); wm.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("openbox did not start within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
