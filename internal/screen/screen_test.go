package screen

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func env(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }

func TestHas(t *testing.T) {
	for _, c := range []struct {
		goos string
		vars map[string]string
		want bool
	}{
		{"darwin", nil, true},
		{"windows", nil, true},
		{"linux", nil, false},
		{"freebsd", nil, false},
		{"linux", map[string]string{"DISPLAY": ":0"}, true},
		{"linux", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, true},
	} {
		if got := Has(c.goos, env(c.vars)); got != c.want {
			t.Errorf("Has(%s, %v) = %v, want %v", c.goos, c.vars, got, c.want)
		}
	}
}

func TestSocketsOfADisplay(t *testing.T) {
	for display, want := range map[string][]socket{
		":0":           {{"unix", "@/tmp/.X11-unix/X0"}, {"unix", "/tmp/.X11-unix/X0"}},
		":12.1":        {{"unix", "@/tmp/.X11-unix/X12"}, {"unix", "/tmp/.X11-unix/X12"}},
		"unix:3":       {{"unix", "@/tmp/.X11-unix/X3"}, {"unix", "/tmp/.X11-unix/X3"}},
		"localhost:10": {{"tcp", "localhost:6010"}},
		"[::1]:2":      nil, // an IPv6 host is not a form Xlib takes either way; not dialled
		"host::0":      nil,
		"/private/tmp/com.apple.launchd.x/org.xquartz:0": nil,
		"":    nil,
		":x":  nil,
		":-1": nil,
	} {
		got, _ := socketsOf(display)
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(socket{})); diff != "" {
			t.Errorf("socketsOf(%q) (-want +got):\n%s", display, diff)
		}
	}
}

// A real X server (Xvfb) answers; a display number nothing listens at is reported in one
// sentence once the wait is over.
func TestWaitForARealXServer(t *testing.T) {
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatal("this test needs Xvfb: run `make test` (scripts/deps.sh installs it)")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "640x480x24", "-nolisten", "tcp", "-noreset")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	num, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb did not say which display it took: %v", err)
	}
	display := ":" + strings.TrimSpace(num)
	if err := Wait(context.Background(), env(map[string]string{"DISPLAY": display}), 5*time.Second); err != nil {
		t.Errorf("Xvfb on %s: %v", display, err)
	}

	start := time.Now()
	err = Wait(context.Background(), env(map[string]string{"DISPLAY": ":59000"}), 300*time.Millisecond)
	if err == nil || err.Error() != "the screen does not answer (DISPLAY=:59000: nothing listens at /tmp/.X11-unix/X59000)" {
		t.Errorf("a display nothing listens at: %v", err)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Errorf("gave up after %v, before the 300 ms it was given", waited)
	}
}

// At login a program can start before the compositor listens: the wait ends when it does.
func TestWaitForAWaylandSocketThatComesLater(t *testing.T) {
	run := t.TempDir()
	vars := env(map[string]string{"WAYLAND_DISPLAY": "wayland-7", "XDG_RUNTIME_DIR": run, "DISPLAY": ":59001"})
	listening := make(chan net.Listener, 1)
	time.AfterFunc(300*time.Millisecond, func() {
		l, err := net.Listen("unix", filepath.Join(run, "wayland-7"))
		if err != nil {
			t.Error(err)
		}
		listening <- l
	})
	if err := Wait(context.Background(), vars, 10*time.Second); err != nil {
		t.Errorf("the compositor's socket appeared but: %v", err)
	}
	if l := <-listening; l != nil {
		l.Close()
	}
	err := Wait(context.Background(), vars, 200*time.Millisecond)
	if err == nil || !strings.HasPrefix(err.Error(), "the screen does not answer (WAYLAND_DISPLAY=wayland-7 or DISPLAY=:59001: ") {
		t.Errorf("with neither listening: %v", err)
	}
}
