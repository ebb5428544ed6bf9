//go:build linux

package gui

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// labels flattens a tray menu into its labels, submenus included.
func labels(items []menuItem) []string {
	var out []string
	for _, it := range items {
		if it.Label != "" {
			out = append(out, it.Label)
		}
		out = append(out, labels(it.Children)...)
	}
	return out
}

// trayLabels waits until the tray menu has an entry starting with prefix and returns them all.
func (s *session) trayLabels(r registration, prefix string) []string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		items, err := s.host.menu(r)
		got := labels(items)
		if err == nil && slices.ContainsFunc(got, func(l string) bool { return strings.HasPrefix(l, prefix) }) {
			return got
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the tray menu never showed %q: %q (%v)", prefix, got, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestApproveAndDenyFromThePrompt(t *testing.T) {
	s := newSession(t, true)
	s.addFake("files")
	s.start()
	reg := s.waitTray()
	s.waitReady()
	s.trayLabels(reg, "files — ")
	if id := s.d.visibleWindow(mainTitle); id != "" {
		t.Error("with a tray the main window opened at start; it should wait in the tray")
	}

	c := s.client("files")
	note := filepath.Join(s.dir, "note.txt")
	call := callAsync(c, "write_note", map[string]any{"path": note, "text": "approved"})
	win := s.d.waitWindow(t, approvalTitle, 20*time.Second)
	// A second call queues in the same window: "1 of 2".
	denied := filepath.Join(s.dir, "denied.txt")
	long := strings.Repeat("A long note that the prompt folds. ", 20)
	second := callAsync(c, "write_note", map[string]any{"path": denied, "text": long})
	menu := s.trayLabels(reg, "Pending approvals (2)")
	t.Logf("tray menu with two calls waiting: %q", menu)
	s.d.screenshot(t, win, "approval-prompt")
	select {
	case n := <-s.host.notified:
		if n.title != "Approval needed" || !strings.Contains(n.body, "wants to use the tool “write_note” of the server “files”") {
			t.Errorf("notification %+v", n)
		}
	case <-time.After(10 * time.Second):
		t.Error("no desktop notification for the held call")
	}
	if _, err := os.Stat(note); err == nil {
		t.Fatal("the note was written before anyone approved the call")
	}
	// Enter in the prompt is "Allow once", for the oldest call, once the prompt is ready.
	s.press(win, "Return")
	if r := s.result(call); r.isError || r.text != "written" {
		t.Fatalf("the approved call answered %+v", r)
	}
	if b, _ := os.ReadFile(note); string(b) != "approved" {
		t.Fatalf("the note holds %q", b)
	}
	// The window stays for the second call; Escape denies it: the client gets an error result
	// and the server never sees the call.
	s.trayLabels(reg, "Pending approvals (1)")
	if s.d.visibleWindow(approvalTitle) == "" {
		t.Fatal("the prompt closed with a call still waiting")
	}
	s.d.screenshot(t, win, "approval-prompt-folded")
	s.press(win, "Escape")
	if r := s.result(second); !r.isError {
		t.Fatalf("the denied call answered %+v", r)
	}
	if _, err := os.Stat(denied); err == nil {
		t.Fatal("a denied call reached the server")
	}
	s.waitGone(approvalTitle)

	// "Open MCP Tray…" from the tray menu shows the main window.
	items, err := s.host.menu(reg)
	if err != nil {
		t.Fatal(err)
	}
	open := find(items, "Open MCP Tray…")
	if open == nil {
		t.Fatalf("no Open MCP Tray… in %q", labels(items))
	}
	if err := s.host.click(reg, open.ID); err != nil {
		t.Fatal(err)
	}
	s.d.screenshot(t, s.d.waitWindow(t, mainTitle, 20*time.Second), "main-window")

	// The audit log has both decisions, made by the person.
	audit := s.cli("audit", "--server", "files")
	if strings.Count(audit, "by person") < 2 {
		t.Errorf("the audit log lacks the person's two decisions:\n%s", audit)
	}
}

// waitGone waits until no visible window has this title.
func (s *session) waitGone(title string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.d.visibleWindow(title) != "" {
		if time.Now().After(deadline) {
			s.t.Fatalf("the window %q stayed open", title)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func find(items []menuItem, label string) *menuItem {
	for i := range items {
		if items[i].Label == label {
			return &items[i]
		}
		if c := find(items[i].Children, label); c != nil {
			return c
		}
	}
	return nil
}

func TestQuitFromTheTrayStopsEveryServer(t *testing.T) {
	s := newSession(t, true)
	s.addFake("one")
	s.addFake("two")
	s.start()
	reg := s.waitTray()
	s.waitReady()
	s.waitAllRunning(2)
	pids := s.serverPids()
	items, err := s.host.menu(reg)
	if err != nil {
		t.Fatal(err)
	}
	// With the main window open, so the window process must go too.
	if err := s.host.click(reg, find(items, "Open MCP Tray…").ID); err != nil {
		t.Fatal(err)
	}
	s.d.waitWindow(t, mainTitle, 20*time.Second)
	pids = append(pids, s.windowPids()...)
	if len(s.windowPids()) != 1 {
		t.Fatalf("%d window processes with the main window open", len(s.windowPids()))
	}
	quit := find(items, "Quit MCP Tray")
	if quit == nil {
		t.Fatalf("no Quit MCP Tray in %q", labels(items))
	}
	if err := s.host.click(reg, quit.ID); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- s.app.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the app exited with %v:\n%s", err, s.out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the app did not quit within 30 s:\n%s", s.out.String())
	}
	for _, pid := range pids {
		if syscall.Kill(pid, 0) == nil {
			t.Errorf("process %d (a server or the window process) outlived the app", pid)
		}
	}
}

// The windows live in a second process that runs only while one may be on screen: the tray
// process never loads OpenGL, the window process ends once its windows have been closed for
// the linger time, and it ends with the tray even when the tray is killed.
func TestWindowProcessComesAndGoes(t *testing.T) {
	s := newSession(t, true)
	s.env = append(s.env, "MCPTRAY_WINDOW_LINGER=300ms")
	s.addFake("files")
	s.start()
	s.waitTray()
	s.waitReady()
	if n := len(s.windowPids()); n != 0 {
		t.Fatalf("%d window processes at start, with no window to show", n)
	}
	c := s.client("files")
	call := callAsync(c, "write_note", map[string]any{"path": filepath.Join(s.dir, "x"), "text": "x"})
	win := s.window(approvalTitle)
	if n := len(s.windowPids()); n != 1 {
		t.Fatalf("%d window processes with the prompt on screen", n)
	}
	s.press(win, "Escape")
	if r := s.result(call); !r.isError {
		t.Fatalf("the denied call answered %+v", r)
	}
	s.waitNoWindowProcess()
	if gl := s.mapped("dri", "LLVM", "libGLX_mesa"); gl != "" {
		t.Errorf("the tray process loaded a GL driver (%s): its idle memory is meant to hold none", gl)
	}

	// Reopened, then the tray is killed: the window process ends on its own.
	again := exec.Command(appBin) // a second launch shows the window
	again.Env = s.env
	if out, err := again.CombinedOutput(); err != nil {
		t.Fatalf("a second launch: %v\n%s", err, out)
	}
	s.window(mainTitle)
	wins := s.windowPids()
	if len(wins) != 1 {
		t.Fatalf("%d window processes with the main window open", len(wins))
	}
	s.app.Process.Kill()
	s.app.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(wins[0], 0) == nil {
		if time.Now().After(deadline) {
			syscall.Kill(wins[0], syscall.SIGKILL)
			t.Fatal("the window process outlived the killed tray by 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// window waits up to 20 s for a window with this title, failing with what the app printed.
func (s *session) window(title string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if id := s.d.visibleWindow(title); id != "" {
			return id
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no window %q appeared within 20 s; the app printed:\n%s", title, s.out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// mapped returns the first of names found in the tray process's memory maps, or "".
func (s *session) mapped(names ...string) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/maps", s.app.Process.Pid))
	if err != nil {
		s.t.Fatal(err)
	}
	for _, n := range names {
		if strings.Contains(string(b), n) {
			return n
		}
	}
	return ""
}

// serverPids returns the pids of the servers' ready processes.
func (s *session) serverPids() []int {
	s.t.Helper()
	var l struct {
		Servers []struct {
			Status *struct {
				Pid int `json:"pid"`
			} `json:"status"`
		} `json:"servers"`
	}
	if err := json.Unmarshal([]byte(s.cli("server", "list", "--json")), &l); err != nil {
		s.t.Fatal(err)
	}
	var pids []int
	for _, sv := range l.Servers {
		if sv.Status != nil && sv.Status.Pid > 0 {
			pids = append(pids, sv.Status.Pid)
		}
	}
	if len(pids) == 0 {
		s.t.Fatal("no server process runs")
	}
	return pids
}
