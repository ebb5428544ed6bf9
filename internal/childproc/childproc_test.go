package childproc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// The parent's side, with a real child process: this test binary in the role of
// `mcptray-app window` (app.UI.Serve is tested against it in app).

func TestMain(m *testing.M) {
	if log := os.Getenv("MCPTRAY_FAKE_WINDOW"); log != "" {
		fakeWindowProcess(log)
		return
	}
	os.Exit(m.Run())
}

// fakeWindowProcess plays the window process: it logs every command to the file log, and
// reports itself idle after a "main" command at once. "hang" makes it ignore the end of its
// input, as a stuck process would.
func fakeWindowProcess(log string) {
	if fails := os.Getenv("MCPTRAY_FAKE_WINDOW_FAILS"); fails != "" {
		// Fail as it starts (as a window process that cannot open the display does) while
		// the count in the file is above zero; each start takes one off.
		b, _ := os.ReadFile(fails)
		var n int
		fmt.Sscan(string(b), &n)
		if n > 0 {
			os.WriteFile(fails, []byte(fmt.Sprint(n-1)), 0o600)
			os.Exit(2)
		}
	}
	f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		os.Exit(3)
	}
	hang := false
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		var c struct {
			Seq int
			Do  string
		}
		json.Unmarshal(sc.Bytes(), &c)
		fmt.Fprintf(f, "%d %s\n", c.Seq, c.Do)
		switch c.Do {
		case "main":
			fmt.Printf(`{"idle":%d}`+"\n", c.Seq)
		case "hang":
			hang = true
		}
	}
	if hang {
		time.Sleep(time.Hour)
	}
	fmt.Fprintln(f, "bye")
	os.Exit(0)
}

// procHarness owns a Process on the test goroutine, as the tray's owner goroutine does.
type procHarness struct {
	t       *testing.T
	w       *Process
	log     string
	queue   chan func()
	crashes int // exits nobody asked for
}

func newProcHarness(t *testing.T) *procHarness {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &procHarness{t: t, log: t.TempDir() + "/commands", queue: make(chan func(), 64)}
	l := Launch{Path: self, Env: append(os.Environ(), "MCPTRAY_FAKE_WINDOW="+p.log)}
	p.w = New(l, func(f func()) { p.queue <- f }, func(seq int) { p.w.Idle(seq) }, func() { p.crashes++ })
	t.Cleanup(p.w.Stop)
	return p
}

// until runs posted work until ok holds, failing after 10 s.
func (p *procHarness) until(what string, ok func() bool) {
	p.t.Helper()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !ok() {
		select {
		case f := <-p.queue:
			f()
		case <-tick.C:
		case <-deadline:
			p.t.Fatalf("timed out waiting until %s; commands seen: %q", what, p.seen())
		}
	}
}

func (p *procHarness) seen() []string {
	b, _ := os.ReadFile(p.log)
	return strings.Fields(strings.ReplaceAll(string(b), " ", "_"))
}

func TestWindowProcessEndsWhenIdle(t *testing.T) {
	p := newProcHarness(t)
	p.w.Send("main")
	if !p.w.Running() {
		t.Fatal("no process after the first command")
	}
	// It reports idle after command 1 with nothing sent since: the tray ends it.
	p.until("the process is ended and exits", func() bool {
		s := p.seen()
		return !p.w.Running() && len(s) == 2 && s[1] == "bye"
	})
	// The next command starts a new process, numbering from 1 again.
	p.w.Send("approvals")
	p.w.Send("main")
	p.until("the second process is ended", func() bool { return !p.w.Running() && len(p.seen()) == 5 })
	if got, want := strings.Join(p.seen(), " "), "1_main bye 1_approvals 2_main bye"; got != want {
		t.Errorf("commands seen %q, want %q", got, want)
	}
}

func TestWindowProcessKeptWhenCommandsCrossItsIdleReport(t *testing.T) {
	p := newProcHarness(t)
	p.w.Send("main")      // the process will report idle after 1…
	p.w.Send("approvals") // …but the tray has sent 2 by then
	p.until("both commands arrive", func() bool { return len(p.seen()) == 2 })
	deadline := time.Now().Add(300 * time.Millisecond)
	p.until("the idle report is handled", func() bool { return time.Now().After(deadline) })
	if !p.w.Running() {
		t.Fatal("the process was ended with a command it had not carried out")
	}
	p.w.Send("main")
	p.until("the process ends after its report for command 3", func() bool { return !p.w.Running() })
}

func TestWindowProcessStuckIsKilled(t *testing.T) {
	p := newProcHarness(t)
	p.w.Send("hang")
	p.until("the command arrives", func() bool { return len(p.seen()) == 1 })
	pid := p.w.cmd.Process.Pid
	exited := p.w.exited
	start := time.Now()
	p.w.Stop()
	select {
	case <-exited:
	default:
		t.Fatalf("process %d still runs after stop", pid)
	}
	if d := time.Since(start); d > 7*time.Second {
		t.Errorf("stop took %v", d)
	}
	if p.crashes != 0 {
		t.Errorf("%d unexpected exits reported for a process asked to end", p.crashes)
	}
}

func TestWindowProcessCrashIsReported(t *testing.T) {
	p := newProcHarness(t)
	p.w.Send("hang")
	p.until("the command arrives", func() bool { return len(p.seen()) == 1 })
	p.w.cmd.Process.Kill()
	p.until("the exit is reported", func() bool { return p.crashes == 1 })
	if p.w.Running() {
		t.Fatal("a dead process still counts as running")
	}
	p.w.Send("main") // starts another
	p.until("the new process ends after its idle report", func() bool { return !p.w.Running() && len(p.seen()) == 3 })
}

// TestWindowProcessThatFailsAsItStartsIsStartedAgain: a window process that exits with an
// error before it answers anything (it could not open the display on a busy machine) is
// started again with the commands it never took, twice at most; a third failure in a row is
// reported as the crash it is.
func TestWindowProcessThatFailsAsItStartsIsStartedAgain(t *testing.T) {
	for _, tc := range []struct {
		fails   int
		crashes int
	}{{2, 0}, {3, 1}} {
		p := newProcHarness(t)
		fails := t.TempDir() + "/fails"
		os.WriteFile(fails, []byte(fmt.Sprint(tc.fails)), 0o600)
		p.w.launch.Env = append(p.w.launch.Env, "MCPTRAY_FAKE_WINDOW_FAILS="+fails)
		p.w.Send("main")
		if tc.crashes == 0 {
			p.until("the command reaches a process that started", func() bool { return len(p.seen()) >= 1 })
			if p.seen()[0] != "1_main" || p.crashes != 0 {
				t.Errorf("after %d failed starts: commands %q, crashes %d", tc.fails, p.seen(), p.crashes)
			}
			continue
		}
		p.until("the failure is reported", func() bool { return p.crashes == tc.crashes })
		if len(p.seen()) != 0 {
			t.Errorf("after %d failed starts a process took %q", tc.fails, p.seen())
		}
	}
}
