package supervisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
)

var fake string

func TestMain(m *testing.M) {
	if os.Getenv("SUPERVISOR_TEST_DAEMON") != "" {
		runFakeDaemon()
		return
	}
	var err error
	if fake, err = testbin.FakeServer(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testbin.Cleanup()
	os.Exit(code)
}

// fastLadder keeps tests quick while still exercising every rung.
var fastLadder = Ladder{StdinGrace: 200 * time.Millisecond, TermGrace: 300 * time.Millisecond, KillGrace: 2 * time.Second}

func newSup(t *testing.T, opts Options) *Supervisor {
	t.Helper()
	if opts.Ladder == (Ladder{}) {
		opts.Ladder = fastLadder
	}
	if opts.Backoff == (BackoffPolicy{}) {
		opts.Backoff = BackoffPolicy{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond, Window: time.Minute, MaxFailures: 5}
	}
	s := New(opts)
	t.Cleanup(s.Shutdown)
	return s
}

// waitStatus waits until the named server's status satisfies ok and returns it.
func waitStatus(t *testing.T, s *Supervisor, name string, what string, ok func(Status) bool) Status {
	t.Helper()
	snap, ch, cancel := s.Subscribe()
	defer cancel()
	for _, st := range snap {
		if st.Name == name && ok(st) {
			return st
		}
	}
	deadline := time.After(15 * time.Second)
	for {
		select {
		case st, open := <-ch:
			if !open {
				t.Fatalf("event stream closed while waiting for %s to be %s", name, what)
			}
			if st.Name == name && ok(st) {
				return st
			}
		case <-deadline:
			t.Fatalf("%s never became %s; last status %+v", name, what, s.Status())
		}
	}
}

func running(st Status) bool { return st.State == Running && st.Pid > 0 }

func waitGone(t *testing.T, pids ...int) {
	t.Helper()
	testbin.WaitExit(t, "the processes end", pids...)
}

func TestStartAndStop(t *testing.T) {
	s := newSup(t, Options{})
	s.Apply([]Spec{{Name: "a", Command: fake}})
	st := waitStatus(t, s, "a", "running", running)
	if err := s.Stop(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	if testbin.Alive(st.Pid) {
		t.Fatalf("pid %d alive after Stop returned", st.Pid)
	}
	if got := s.Status()[0].State; got != Stopped {
		t.Fatalf("state after Stop = %v, want stopped", got)
	}
	if err := s.Stop(context.Background(), "a"); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if err := s.Start(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, s, "a", "running again", running)
}

func TestKill9IsRestarted(t *testing.T) {
	s, clock := newFakeClockSup(t, Options{})
	s.Apply([]Spec{{Name: "a", Command: fake}})
	first := waitStatus(t, s, "a", "running", running)
	syscall.Kill(first.Pid, syscall.SIGKILL)
	backOff(t, s, clock, "a", DefaultBackoff.Initial)
	second := waitStatus(t, s, "a", "restarted", func(st Status) bool { return running(st) && st.Pid != first.Pid })
	if second.Restarts != 1 {
		t.Fatalf("restart count = %d, want 1", second.Restarts)
	}
}

// The default policy, on a clock the test moves: restarts after 1 s, 2 s, 4 s and 8 s, then
// the fifth crash within a minute is the last.
func TestCrashLoopEndsInFailedWithStderr(t *testing.T) {
	s, clock := newFakeClockSup(t, Options{})
	s.Apply([]Spec{{Name: "crashy", Command: fake, Args: []string{"-exit-now", "3"}}})
	for _, d := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		backOff(t, s, clock, "crashy", d)
	}
	st := waitStatus(t, s, "crashy", "failed", func(st Status) bool { return st.State == Failed })
	if !strings.Contains(st.Error, "stopped 5 times within a minute, so MCP Tray gave up restarting") || !strings.Contains(st.Error, "exit code 3") {
		t.Errorf("error = %q, want it to say MCP Tray gave up and the exit code", st.Error)
	}
	if len(st.StderrTail) == 0 || !strings.Contains(strings.Join(st.StderrTail, "\n"), "exiting at once") {
		t.Errorf("stderr tail = %q, want the server's last words", st.StderrTail)
	}
	if st.Restarts != 5 {
		t.Errorf("restarts = %d, want 5", st.Restarts)
	}
	// The person can try again, and the count starts afresh.
	if err := s.Restart(context.Background(), "crashy"); err != nil {
		t.Fatal(err)
	}
	backOff(t, s, clock, "crashy", time.Second)
}

// Crashes further apart than the window are not counted together: a server that crashes
// once every minute and a bit is restarted after the first delay every time, and never given
// up on.
func TestCrashesFurtherApartThanTheWindowAreForgiven(t *testing.T) {
	s, clock := newFakeClockSup(t, Options{})
	s.Apply([]Spec{{Name: "crashy", Command: fake, Args: []string{"-exit-now", "3"}}})
	for range 2 * DefaultBackoff.MaxFailures {
		st := waitStatus(t, s, "crashy", "backing off", func(st Status) bool { return st.State == Backoff && st.RetryAt.After(clock.Now()) })
		if got := st.RetryAt.Sub(clock.Now()); got != DefaultBackoff.Initial {
			t.Fatalf("backs off for %s after %d restarts a minute apart, want %s", got, st.Restarts, DefaultBackoff.Initial)
		}
		clock.Advance(DefaultBackoff.Window + DefaultBackoff.Initial) // it restarts, and crashes, a minute later
	}
	if st := statusOf(s, "crashy"); st.State == Failed {
		t.Fatalf("gave up on a server that crashed once a minute: %s", st.Error)
	}
}

func TestServerThatCrashesAfterAWhileIsRestarted(t *testing.T) {
	s, clock := newFakeClockSup(t, Options{})
	s.Apply([]Spec{{Name: "late", Command: fake, Args: []string{"-crash-after", "300ms"}}})
	first := waitStatus(t, s, "late", "running", running)
	backOff(t, s, clock, "late", DefaultBackoff.Initial)
	st := waitStatus(t, s, "late", "restarted after its crash", func(st Status) bool { return running(st) && st.Pid != first.Pid })
	if st.Restarts < 1 {
		t.Fatalf("restarts = %d after a crash", st.Restarts)
	}
	waitLog(t, s.Logs("late"), "crashing as asked")
}

// A server that ignores stdin closing and SIGTERM is ended by the ladder's last rung, and only
// after each earlier rung's wait has passed on the supervisor's clock.
func TestStopTakesDownStubbornTree(t *testing.T) {
	pidfile := filepath.Join(t.TempDir(), "grandchild.pid") // before the supervisor: see below
	s, clock := newFakeClockSup(t, Options{})
	s.Apply([]Spec{{Name: "stubborn", Command: fake, Args: []string{"-ignore-term", "-grandchild", pidfile}}})
	st := waitStatus(t, s, "stubborn", "running", running)
	gc := readPid(t, pidfile)
	if !testbin.Alive(gc) {
		t.Fatal("grandchild not running")
	}
	stopped := make(chan error, 1)
	go func() { stopped <- s.Stop(context.Background(), "stubborn") }()
	// Still alive once stdin was closed and the grace passed, so SIGTERM follows and its own
	// grace is waited; still alive after that, so SIGKILL ends it.
	clock.awaitWait(t, DefaultLadder.StdinGrace, "the grace after closing stdin")
	clock.Advance(DefaultLadder.StdinGrace)
	clock.awaitWait(t, DefaultLadder.TermGrace, "the grace after SIGTERM")
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned (%v) before the grace after SIGTERM had passed", err)
	default:
	}
	clock.Advance(DefaultLadder.TermGrace)
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Stop did not return after SIGKILL")
	}
	for _, pid := range []int{st.Pid, gc} {
		if testbin.Alive(pid) {
			t.Errorf("pid %d survived Stop", pid)
		}
	}
	waitLog(t, s.Logs("stubborn"), "stopped (pid")
}

func TestCrashedServerLeavesNoGrandchild(t *testing.T) {
	// The folder first (as in TestStopTakesDownStubbornTree): cleanups run last-registered first, so the supervisor (and the
	// restarted server's own grandchild, which writes the pid file again) is gone before the
	// folder is removed. The other way round, CI once saw "directory not empty".
	pidfile := filepath.Join(t.TempDir(), "grandchild.pid")
	s, clock := newFakeClockSup(t, Options{})
	s.Apply([]Spec{{Name: "a", Command: fake, Args: []string{"-grandchild", pidfile}}})
	st := waitStatus(t, s, "a", "running", running)
	gc := readPid(t, pidfile)
	syscall.Kill(st.Pid, syscall.SIGKILL)
	// The grandchild ignores stdin closing and SIGTERM: the whole ladder takes it down.
	clock.awaitWait(t, DefaultLadder.StdinGrace, "the grace after closing the crashed server's stdin")
	clock.Advance(DefaultLadder.StdinGrace)
	clock.awaitWait(t, DefaultLadder.TermGrace, "the grace after SIGTERM to what the crashed server left")
	clock.Advance(DefaultLadder.TermGrace)
	backOff(t, s, clock, "a", DefaultBackoff.Initial)
	waitStatus(t, s, "a", "restarted", func(x Status) bool { return running(x) && x.Pid != st.Pid })
	waitGone(t, gc)
}

func readPid(t *testing.T, path string) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := os.ReadFile(path)
		if err == nil && len(b) > 0 {
			pid, err := strconv.Atoi(string(b))
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("no pid in %s", path)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// grandchildOf returns the host's pid of the grandchild whose pid the fake server (pid
// server) wrote to pidfile, as the server saw it: in its own process namespace when confined.
func grandchildOf(t *testing.T, server int, pidfile string) int {
	t.Helper()
	inside := strconv.Itoa(readPid(t, pidfile))
	for _, p := range testbin.Descendants(server) {
		status, _ := os.ReadFile("/proc/" + strconv.Itoa(p) + "/status")
		for line := range strings.SplitSeq(string(status), "\n") {
			if f := strings.Fields(line); len(f) > 1 && f[0] == "NSpid:" && f[len(f)-1] == inside {
				return p
			}
		}
	}
	t.Fatalf("no process under pid %d is the grandchild %s", server, inside)
	return 0
}

func TestMissingCommandFailsWithSentence(t *testing.T) {
	s := newSup(t, Options{})
	s.Apply([]Spec{{Name: "n", Command: "npx-not-installed-here"}, {Name: "m", Command: "/no/such/npx"},
		{Name: "lazy", Command: "uvx-not-installed-here", NoSpare: true}})
	for _, name := range []string{"n", "m", "lazy"} {
		st := waitStatus(t, s, name, "failed", func(st Status) bool { return st.State == Failed })
		if !strings.Contains(st.Error, "was not found on this computer") {
			t.Errorf("%s: error = %q, want a sentence naming the missing program", name, st.Error)
		}
	}
	var ce *CommandError
	_, err := ResolveCommand("npx", "/")
	if runtime.GOOS == "linux" && err != nil && (!errors.As(err, &ce) || !strings.Contains(err.Error(), "Node.js")) {
		t.Errorf("missing npx error = %q, want it to point at Node.js", err)
	}
}

// TestRelativeCommandWithoutFolderIsRefused: a hand-written "./run.sh" with no working
// folder would be looked for in the folder MCP Tray happened to start in and run from another;
// it is refused with a sentence, even when such a file is where the daemon started.
func TestRelativeCommandWithoutFolderIsRefused(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "run.sh"), []byte("#!/bin/sh\nexec "+fake+"\n"), 0o700)
	t.Chdir(dir)
	s := newSup(t, Options{DefaultDir: t.TempDir()})
	s.Apply([]Spec{{Name: "rel", Command: "./run.sh"}, {Name: "with-dir", Command: "./run.sh", Dir: dir}})
	st := waitStatus(t, s, "rel", "failed", func(st Status) bool { return st.State == Failed })
	if !strings.Contains(st.Error, "is a relative path") {
		t.Errorf("error = %q, want the sentence about a relative path", st.Error)
	}
	waitStatus(t, s, "with-dir", "running", running)
}

func TestSecretsReachTheEnvironment(t *testing.T) {
	secrets := func(ctx context.Context, server string, keys []string) (map[string]string, error) {
		if server != "s" {
			return nil, fmt.Errorf("asked for %s", server)
		}
		return map[string]string{"API_TOKEN": "tok-123456"}, nil
	}
	s := newSup(t, Options{Secrets: secrets})
	s.Apply([]Spec{{Name: "s", Command: fake, Args: []string{"-print-env", "API_TOKEN,PLAIN"},
		Env: map[string]string{"PLAIN": "visible"}, Secrets: []string{"API_TOKEN"}}})
	waitStatus(t, s, "s", "running", running)
	waitLog(t, s.Logs("s"), "API_TOKEN=tok-123456")
	waitLog(t, s.Logs("s"), "PLAIN=visible")
}

func TestMissingSecretKeepsServerDown(t *testing.T) {
	secrets := func(ctx context.Context, server string, keys []string) (map[string]string, error) {
		return nil, Permanent(errors.New(`The server "s" needs the secret API_TOKEN, which is not set.`))
	}
	s := newSup(t, Options{Secrets: secrets})
	s.Apply([]Spec{{Name: "s", Command: fake, Secrets: []string{"API_TOKEN"}}})
	st := waitStatus(t, s, "s", "failed", func(st Status) bool { return st.State == Failed })
	if !strings.Contains(st.Error, "API_TOKEN") || st.Restarts != 0 {
		t.Fatalf("status = %+v, want Failed naming API_TOKEN without restarts", st)
	}
}

func waitLog(t *testing.T, l *Logs, want string) {
	t.Helper()
	tail, ch, cancel := l.Follow(0)
	defer cancel()
	for _, ln := range tail {
		if strings.Contains(ln.Text, want) {
			return
		}
	}
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ln := <-ch:
			if strings.Contains(ln.Text, want) {
				return
			}
		case <-deadline:
			t.Fatalf("log never showed %q", want)
		}
	}
}

func TestStderrFloodIsBoundedAndNeverBlocks(t *testing.T) {
	dir := t.TempDir()
	s := newSup(t, Options{LogDir: dir})
	s.Apply([]Spec{{Name: "flood", Command: fake, Args: []string{"-flood"}}})
	st := waitStatus(t, s, "flood", "running", running)
	l := s.Logs("flood")
	waitLog(t, l, "flood flood")
	// Wait for the file to rotate at least once, then check the server is still healthy.
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "flood.log.1")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the log file never rotated")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if now := s.Status()[0]; now.State != Running || now.Pid != st.Pid {
		t.Fatalf("flooding server is %+v, want still running as pid %d", now, st.Pid)
	}
	if n := len(l.Tail(0)); n > 1000 {
		t.Fatalf("ring holds %d lines, want at most 1000", n)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fi, _ := e.Info()
		if fi.Size() > 2<<20+maxLineBytes {
			t.Errorf("%s is %d bytes, over the cap", e.Name(), fi.Size())
		}
	}
	if len(entries) > 3 {
		t.Errorf("%d log files, want at most 3 (the log and 2 rotations)", len(entries))
	}
}

// A client takes the warm spare; the next spare starts SpareRefillDelay later, so its start
// does not compete with the session's first calls, and a client in between gets a process of
// its own at once.
func TestTakeHandsOverSpareAndStartsAnother(t *testing.T) {
	s, clock := newFakeClockSup(t, Options{})
	s.Apply([]Spec{{Name: "a", Command: fake}})
	spare := waitStatus(t, s, "a", "running", running)
	p, err := s.Take(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	if p.Pid() != spare.Pid {
		t.Fatalf("Take gave pid %d, want the spare %d", p.Pid(), spare.Pid)
	}
	clock.awaitWait(t, SpareRefillDelay, "the next spare's start")
	if st := s.Status()[0]; st.State != Running || st.Pid != 0 || st.Sessions != 1 {
		t.Fatalf("before the next spare: %+v, want running, no spare yet, one session", st)
	}
	q, err := s.Take(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	if q.Pid() == p.Pid() || q.Pid() == 0 {
		t.Fatalf("a client before the next spare got pid %d (the first client's is %d)", q.Pid(), p.Pid())
	}
	clock.Advance(SpareRefillDelay)
	next := waitStatus(t, s, "a", "running with a new spare", func(st Status) bool { return running(st) && st.Pid != 0 })
	if next.Pid == p.Pid() || next.Pid == q.Pid() || next.Sessions != 2 {
		t.Fatalf("after the delay: %+v, want a new spare beside the two sessions %d and %d", next, p.Pid(), q.Pid())
	}
	p.Stop()
	q.Stop()
	waitStatus(t, s, "a", "back to no sessions", func(st Status) bool { return st.Sessions == 0 })
}

func TestNoSpareSpawnsOnDemand(t *testing.T) {
	s := newSup(t, Options{})
	s.Apply([]Spec{{Name: "a", Command: fake, NoSpare: true}})
	st := waitStatus(t, s, "a", "ready", func(st Status) bool { return st.State == Running })
	if st.Pid != 0 || st.Spare {
		t.Fatalf("status = %+v, want no spare process", st)
	}
	p, err := s.Take(context.Background(), "a")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	if !testbin.Alive(p.Pid()) {
		t.Fatal("on-demand process not running")
	}
}

func TestStoppedAndDisabledServersRefuseClients(t *testing.T) {
	s := newSup(t, Options{})
	s.Apply([]Spec{{Name: "a", Command: fake}, {Name: "off", Command: fake, Disabled: true}})
	waitStatus(t, s, "a", "running", running)
	s.Stop(context.Background(), "a")
	if _, err := s.Take(context.Background(), "a"); err == nil || !strings.Contains(err.Error(), "is stopped") {
		t.Errorf("Take on a stopped server: %v", err)
	}
	if _, err := s.Take(context.Background(), "off"); err == nil || !strings.Contains(err.Error(), "turned off") {
		t.Errorf("Take on a disabled server: %v", err)
	}
	if _, err := s.Take(context.Background(), "nope"); err == nil || !strings.Contains(err.Error(), "no server named") {
		t.Errorf("Take on an unknown server: %v", err)
	}
}

func TestApplyRestartsOnlyWhatChanged(t *testing.T) {
	s := newSup(t, Options{})
	s.Apply([]Spec{{Name: "a", Command: fake}, {Name: "b", Command: fake}})
	a := waitStatus(t, s, "a", "running", running)
	b := waitStatus(t, s, "b", "running", running)
	s.Apply([]Spec{{Name: "a", Command: fake}, {Name: "b", Command: fake, Args: []string{"-hello", "v2"}}})
	b2 := waitStatus(t, s, "b", "restarted with new args", func(st Status) bool { return running(st) && st.Pid != b.Pid })
	if got := statusOf(s, "a"); got.Pid != a.Pid {
		t.Fatalf("unchanged server a was restarted (pid %d → %d)", a.Pid, got.Pid)
	}
	waitGone(t, b.Pid)
	s.Apply([]Spec{{Name: "a", Command: fake}})
	waitGone(t, b2.Pid)
	if len(s.Status()) != 1 {
		t.Fatalf("status lists %d servers after removing b, want 1", len(s.Status()))
	}
}

func statusOf(s *Supervisor, name string) Status {
	for _, st := range s.Status() {
		if st.Name == name {
			return st
		}
	}
	return Status{}
}

func TestShutdownStopsSparesAndSessions(t *testing.T) {
	s := New(Options{Ladder: fastLadder})
	s.Apply([]Spec{{Name: "a", Command: fake}, {Name: "b", Command: fake, Args: []string{"-ignore-term"}}})
	a := waitStatus(t, s, "a", "running", running)
	waitStatus(t, s, "b", "running", running)
	session, err := s.Take(context.Background(), "b")
	if err != nil {
		t.Fatal(err)
	}
	s.Shutdown()
	for _, pid := range []int{a.Pid, session.Pid()} {
		if testbin.Alive(pid) {
			t.Errorf("pid %d alive after Shutdown", pid)
		}
	}
}

func TestBackoffDelays(t *testing.T) {
	b := DefaultBackoff
	now := time.Unix(1000, 0)
	var failures []time.Time
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	for i, w := range want {
		var d time.Duration
		var give bool
		failures, d, give = b.next(failures, now.Add(time.Duration(i)*time.Second))
		if give || d != w {
			t.Fatalf("failure %d: delay %v give %v, want %v", i+1, d, give, w)
		}
	}
	if _, _, give := b.next(failures, now.Add(5*time.Second)); !give {
		t.Fatal("5 failures within a minute did not give up")
	}
	// Failures older than the window are forgotten; the delay caps at Max.
	old := []time.Time{now.Add(-2 * time.Minute), now.Add(-90 * time.Second)}
	if kept, d, give := b.next(old, now); give || d != time.Second || len(kept) != 1 {
		t.Fatalf("old failures counted: kept %d delay %v", len(kept), d)
	}
	capped := BackoffPolicy{Initial: time.Second, Max: 3 * time.Second, Window: time.Hour, MaxFailures: 10}
	var f []time.Time
	var d time.Duration
	for i := range 4 {
		f, d, _ = capped.next(f, now.Add(time.Duration(i)))
	}
	if d != 3*time.Second {
		t.Fatalf("delay %v, want capped at 3s", d)
	}
}

func TestLoginShellPathIsUsed(t *testing.T) {
	dir := t.TempDir()
	tool := filepath.Join(dir, "bin", "mytool")
	os.MkdirAll(filepath.Dir(tool), 0o700)
	os.WriteFile(tool, []byte("#!/bin/sh\n"), 0o700)
	shell := filepath.Join(dir, "fakeshell")
	// A login shell that prints noise around its answer, as real rc files do.
	os.WriteFile(shell, []byte("#!/bin/sh\necho 'welcome banner'\nPATH="+filepath.Dir(tool)+":/usr/bin:/bin\nexport PATH\nshift $(($#-1))\neval \"$1\"\necho trailing\n"), 0o700)
	t.Setenv("SHELL", shell)
	got := loginShellPath(context.Background())
	if !strings.HasPrefix(got, filepath.Dir(tool)+":") {
		t.Fatalf("login shell PATH = %q, want it to start with %s", got, filepath.Dir(tool))
	}
	dirs := buildSearchPath(got)
	if dirs[0] != filepath.Dir(tool) {
		t.Fatalf("search path starts with %q, want the login shell's first folder", dirs[0])
	}
}

func TestManyCyclesLeakNothing(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Fatal("this leak check reads /proc and runs on Linux")
	}
	s := newSup(t, Options{})
	s.Apply([]Spec{{Name: "a", Command: fake}})
	waitStatus(t, s, "a", "running", running)
	s.Stop(context.Background(), "a")
	baseFDs, baseG := testbin.OpenFDs(), runtime.NumGoroutine()
	baseProcs := len(testbin.Descendants(os.Getpid()))
	ctx := context.Background()
	for i := range 200 {
		if err := s.Start(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			// Half the cycles hand the process to a "client" that stops it.
			p, err := s.Take(ctx, "a")
			if err != nil {
				t.Fatal(err)
			}
			p.Stop()
		}
		if err := s.Stop(ctx, "a"); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		fds, g, procs := testbin.OpenFDs(), runtime.NumGoroutine(), len(testbin.Descendants(os.Getpid()))
		if fds <= baseFDs && g <= baseG+2 && procs <= baseProcs {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 200 cycles: fds %d (was %d), goroutines %d (was %d), child processes %d (was %d)",
				fds, baseFDs, g, baseG, procs, baseProcs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// runFakeDaemon is this test binary re-executed as a daemon that supervises one stubborn
// server with a grandchild; TestDaemonKill9LeavesNoServer kills it with SIGKILL.
func runFakeDaemon() {
	s := New(Options{})
	spec := Spec{Name: "a", Command: os.Getenv("SUPERVISOR_TEST_FAKE"),
		Args: []string{"-ignore-term", "-grandchild", os.Getenv("SUPERVISOR_TEST_PIDFILE")}}
	if os.Getenv("SUPERVISOR_TEST_CONFINED") != "" { // TestDaemonKill9LeavesNoConfinedServer
		spec.Confined = true
		spec.Sandbox.Write = []string{filepath.Dir(os.Getenv("SUPERVISOR_TEST_PIDFILE"))}
	}
	s.Apply([]Spec{spec})
	_, ch, _ := s.Subscribe()
	for st := range ch {
		if st.State == Running && st.Pid > 0 {
			fmt.Println(st.Pid)
		}
	}
}

func TestDaemonKill9LeavesNoServer(t *testing.T) { daemonKill9(t) }

// daemonKill9 kills the fake daemon with SIGKILL and checks its server and the server's
// grandchild die too; env is added to the daemon's environment.
func daemonKill9(t *testing.T, env ...string) {
	if runtime.GOOS != "linux" {
		t.Fatal("runs on Linux, where Pdeathsig and /proc are available")
	}
	pidfile := filepath.Join(t.TempDir(), "gc.pid")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SUPERVISOR_TEST_DAEMON=1", "SUPERVISOR_TEST_FAKE="+fake, "SUPERVISOR_TEST_PIDFILE="+pidfile)
	cmd.Env = append(cmd.Env, env...)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 32)
	n, _ := out.Read(buf)
	server, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil {
		t.Fatalf("fake daemon printed %q", buf[:n])
	}
	gc := grandchildOf(t, server, pidfile)
	cmd.Process.Kill()
	cmd.Wait()
	waitGone(t, server, gc)
}
