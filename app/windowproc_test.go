package app

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// The window process protocol, with a real child process on one side (this test binary in
// the role of `mcptray-app window`) and the real UI on the other.

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
	f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		os.Exit(3)
	}
	hang := false
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		var c command
		json.Unmarshal(sc.Bytes(), &c)
		fmt.Fprintf(f, "%d %s\n", c.Seq, c.Show)
		switch c.Show {
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

// procHarness owns a windowProcess on the test goroutine, as the tray's owner goroutine does.
type procHarness struct {
	t     *testing.T
	w     *windowProcess
	log   string
	queue chan func()
}

func newProcHarness(t *testing.T) *procHarness {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p := &procHarness{t: t, log: t.TempDir() + "/commands", queue: make(chan func(), 64)}
	l := Launch{Path: self, Env: append(os.Environ(), "MCPTRAY_FAKE_WINDOW="+p.log)}
	p.w = newWindowProcess(l, func(f func()) { p.queue <- f }, func(seq int) { p.w.idle(seq) })
	t.Cleanup(p.w.stop)
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
	p.w.send(command{Show: "main"})
	if !p.w.running() {
		t.Fatal("no process after the first command")
	}
	// It reports idle after command 1 with nothing sent since: the tray ends it.
	p.until("the process is ended and exits", func() bool {
		s := p.seen()
		return !p.w.running() && len(s) == 2 && s[1] == "bye"
	})
	// The next command starts a new process, numbering from 1 again.
	p.w.send(command{Show: "approvals"})
	p.w.send(command{Show: "main"})
	p.until("the second process is ended", func() bool { return !p.w.running() && len(p.seen()) == 5 })
	if got, want := strings.Join(p.seen(), " "), "1_main bye 1_approvals 2_main bye"; got != want {
		t.Errorf("commands seen %q, want %q", got, want)
	}
}

func TestWindowProcessKeptWhenCommandsCrossItsIdleReport(t *testing.T) {
	p := newProcHarness(t)
	p.w.send(command{Show: "main"})      // the process will report idle after 1…
	p.w.send(command{Show: "approvals"}) // …but the tray has sent 2 by then
	p.until("both commands arrive", func() bool { return len(p.seen()) == 2 })
	deadline := time.Now().Add(300 * time.Millisecond)
	p.until("the idle report is handled", func() bool { return time.Now().After(deadline) })
	if !p.w.running() {
		t.Fatal("the process was ended with a command it had not carried out")
	}
	p.w.send(command{Show: "main"})
	p.until("the process ends after its report for command 3", func() bool { return !p.w.running() })
}

func TestWindowProcessStuckIsKilled(t *testing.T) {
	p := newProcHarness(t)
	p.w.send(command{Show: "hang"})
	p.until("the command arrives", func() bool { return len(p.seen()) == 1 })
	pid := p.w.cmd.Process.Pid
	exited := p.w.exited
	start := time.Now()
	p.w.stop()
	select {
	case <-exited:
	default:
		t.Fatalf("process %d still runs after stop", pid)
	}
	if d := time.Since(start); d > 7*time.Second {
		t.Errorf("stop took %v", d)
	}
}

func TestServeCarriesOutCommandsAndReportsIdle(t *testing.T) {
	h := newHarness(t, nil)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	served := make(chan struct{})
	go func() { h.u.Serve(inR, outW, 50*time.Millisecond); close(served) }()
	reports := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			reports <- sc.Text()
		}
	}()
	io.WriteString(inW, `{"seq":1,"show":"main"}`+"\n")
	h.until("the main window shows", func() bool { return h.u.mainVisible })
	select {
	case r := <-reports:
		t.Fatalf("reported %s with the main window open", r)
	case <-time.After(200 * time.Millisecond):
	}
	io.WriteString(inW, "not json\n") // a line it does not understand changes nothing
	io.WriteString(inW, `{"seq":2,"notify":{"title":"T","body":"B"}}`+"\n")
	h.until("the notification is sent", func() bool { h.mu.Lock(); defer h.mu.Unlock(); return len(h.notes) == 1 })
	// The person closes the main window (its close intercept hides it).
	h.u.main.win.Hide()
	h.u.mainVisible = false
	var got string
	h.until("the process reports itself idle", func() bool {
		select {
		case got = <-reports:
			return true
		default:
			return false
		}
	})
	if got != `{"idle":2}` {
		t.Errorf("report %s, want idle after command 2", got)
	}
	inW.Close() // the tray ends the process
	h.until("Serve returns", func() bool {
		select {
		case <-served:
			return true
		default:
			return false
		}
	})
}
