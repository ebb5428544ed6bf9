package gui

import (
	"path/filepath"
	"testing"
	"time"
)

// When an AI app connects, the tray starts its window process ahead of a prompt, with
// nothing on screen; without a prompt the process ends after its linger, and the first call
// that waits for the person is shown by it.
func TestWindowProcessIsPreparedWhenAnAppConnects(t *testing.T) {
	s := newSession(t, true)
	s.env = append(s.env, "MCPTRAY_WINDOW_LINGER=2s")
	s.addFake("files")
	s.start()
	s.waitTray()
	s.waitReady()
	s.waitNoWindowProcess()

	c := s.client("files")
	s.waitWindowProcess("an AI app connected")
	for _, title := range []string{mainTitle, approvalTitle} {
		if s.d.visibleWindow(title) != "" {
			t.Errorf("a prepared window process showed %q", title)
		}
	}
	s.waitNoWindowProcess() // its linger passes with nothing on screen

	// The next connection prepares it again, and the call that waits is shown by it.
	c = s.client("files")
	pids := s.waitWindowProcess("an AI app connected again")
	call := callAsync(c, "write_note", map[string]any{"path": filepath.Join(s.dir, "n.txt"), "text": "x"})
	win := s.d.waitWindow(t, approvalTitle, 20*time.Second)
	if now := s.windowPids(); len(now) != 1 || now[0] != pids[0] {
		t.Errorf("the prompt came from window processes %v, not the prepared one %v", now, pids)
	}
	s.press(win, "Escape") // the prompt takes keys after its first second
	if r := s.result(call); !r.isError {
		t.Fatalf("the denied call answered %+v", r)
	}
}

// waitWindowProcess waits until the app's window process runs (after what, for the failure
// message) and returns its pid.
func (s *session) waitWindowProcess(after string) []int {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(s.windowPids()) == 0 {
		if time.Now().After(deadline) {
			s.t.Fatalf("no window process started when %s:\n%s", after, s.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return s.windowPids()
}
