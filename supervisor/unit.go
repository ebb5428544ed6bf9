package supervisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/sandbox"
)

// Spec says how to run one server.
type Spec struct {
	Name    string
	Command string
	Args    []string
	Env     map[string]string // non-secret environment
	Secrets []string          // names of secrets read through Options.Secrets at every spawn
	Dir     string            // working directory; empty means Options.DefaultDir
	// NoSpare starts processes only when a client connects, instead of keeping one ready.
	NoSpare  bool
	Disabled bool
	// Refuse, when set, is a sentence saying why the server must not run now (for example a
	// Kubernetes server with no context chosen): it is not started, its state is Failed with
	// this sentence, and a client connecting gets it.
	Refuse string
	// Confined runs the server in its sandbox, limited to Sandbox (package sandbox).
	Confined bool
	Sandbox  sandbox.Spec
	// Frozen, when its Registry is set, is the installed tree the command runs from: it is
	// verified before every start, and a server whose files changed does not start
	// (installed.go).
	Frozen config.Frozen
	// Remote, when its URL is set, makes this a remote server: no program runs (remote.go).
	Remote RemoteSpec
}

func (s Spec) equal(o Spec) bool { return fmt.Sprintf("%#v", s) == fmt.Sprintf("%#v", o) }

type cmdKind int

const (
	cmdStart cmdKind = iota
	cmdStop
	cmdRestart
	cmdTake
)

type command struct {
	kind  cmdKind
	reply chan error
	taken chan *Process // for cmdTake
}

// unit supervises one server. Its goroutine (run) is the only one that changes its state.
type unit struct {
	spec Spec
	sup  *Supervisor
	logs *Logs
	cmds chan command
	// cancel ends run; done is closed when it has returned.
	cancel context.CancelFunc

	mu     sync.Mutex
	status Status
	taken  map[*Process]struct{} // session processes handed out and still running

	sessions atomic.Int32
	done     chan struct{}
}

func (u *unit) set(change func(*Status)) {
	u.mu.Lock()
	prev := u.status.State
	change(&u.status)
	u.status.Error = u.redact(u.status.Error)
	if u.status.State != prev {
		u.status.Since = u.sup.opts.Clock.Now()
	}
	u.status.Sessions = int(u.sessions.Load())
	st := u.status
	u.mu.Unlock()
	u.sup.publish(st)
}

// redact is text without the secret values the supervisor's Redact knows: a status's error
// can quote what a server or a remote service said (red team, 6 December 2026: a 403 whose
// scope named the header and query secrets it was sent showed them in `server status`).
func (u *unit) redact(text string) string {
	if r := u.sup.opts.Redact; r != nil && text != "" {
		return r(text)
	}
	return text
}

func (u *unit) snapshot() Status {
	u.mu.Lock()
	defer u.mu.Unlock()
	st := u.status
	st.Sessions = int(u.sessions.Load())
	return st
}

// send delivers a command to the unit's goroutine, or fails if the unit has ended.
func (u *unit) send(ctx context.Context, c command) error {
	select {
	case u.cmds <- c:
	case <-u.done:
		return fmt.Errorf("the server %q is being reconfigured; try again", u.spec.Name)
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-c.reply:
		return err
	case <-u.done:
		return fmt.Errorf("the server %q is being reconfigured; try again", u.spec.Name)
	}
}

// SpareRefillDelay is how long after a client takes the warm spare the next one starts.
const SpareRefillDelay = 2 * time.Second

func (u *unit) run(ctx context.Context, initial State) {
	defer close(u.done)
	state := initial
	var (
		proc     *Process
		restarts = u.sup.NewRestarts() // restarts.go: the one policy, on the supervisor's clock
		retry    <-chan time.Time      // set while backing off
		probing  <-chan error          // the spare has not answered yet (ready.go)
		refill   <-chan time.Time      // set while the next spare waits for a taken one's session to start
	)
	stopRetry := func() { retry, refill = nil, nil }
	stopProc := func() {
		probing = nil
		if proc != nil {
			proc.Stop()
			u.logs.Note("stopped (pid %d)", proc.Pid())
			proc = nil
		}
	}
	fail := func(err error) {
		var give bool
		var delay time.Duration
		if !isPermanent(err) {
			delay, give = restarts.Failed()
		}
		if isPermanent(err) || give {
			state = Failed
			msg := err.Error()
			if give {
				msg = restarts.GaveUp(u.spec.Name) + " Last problem: " + msg
			}
			u.logs.Note("failed: %s", msg)
			tail := u.stderrTail(20)
			u.set(func(s *Status) { s.State, s.Pid, s.Error, s.StderrTail, s.RetryAt = Failed, 0, msg, tail, time.Time{} })
			return
		}
		state = Backoff
		at := u.sup.opts.Clock.Now().Add(delay)
		retry = restarts.After(delay)
		u.logs.Note("%s; restarting in %s", err, delay.Round(time.Millisecond))
		u.set(func(s *Status) { s.State, s.Pid, s.Error, s.RetryAt = Backoff, 0, err.Error(), at })
	}
	u.set(func(s *Status) { s.State = state; s.Spare = !u.spec.NoSpare && !u.spec.IsRemote() })
	defer func() {
		stopRetry()
		stopProc()
	}()

	for {
		if state == Starting && proc == nil {
			if u.spec.NoSpare || u.spec.IsRemote() {
				// Nothing runs until a client connects, but a missing program is said now.
				if err := u.refused(); err != nil {
					fail(err)
					continue
				}
				if err := u.verifyInstalled(); err != nil {
					fail(err)
					continue
				}
				if err := u.checkCommand(); err != nil {
					fail(err)
					continue
				}
				state = Running
				u.set(func(s *Status) { s.State, s.Pid, s.Error, s.RetryAt = Running, 0, "", time.Time{} })
			} else if p, err := u.spawn(ctx); err != nil {
				fail(err)
			} else if u.spec.needsReady() {
				// Starting until it answers: a package runner may be downloading.
				proc, probing = p, awaitReady(p)
				u.set(func(s *Status) {
					s.State, s.Pid, s.Error, s.RetryAt, s.StderrTail = Starting, p.Pid(), "", time.Time{}, nil
				})
			} else {
				proc, state = p, Running
				u.set(func(s *Status) {
					s.State, s.Pid, s.Error, s.RetryAt, s.StderrTail = Running, p.Pid(), "", time.Time{}, nil
				})
			}
		}
		var exited <-chan struct{}
		if proc != nil {
			exited = proc.Done()
		}
		select {
		case <-ctx.Done():
			return
		case err := <-probing:
			probing = nil
			select {
			case <-exited:
				continue // the exit is reported below, on the next turn
			default:
			}
			if err != nil {
				stopProc()
				fail(fmt.Errorf("The server did not answer MCP Tray's ping (%v).", err))
				continue
			}
			state = Running
			u.set(func(s *Status) { s.State, s.Error = Running, "" })
			continue
		case <-exited:
			err := describeExit(proc.ExitError())
			stopProc() // the leader is gone; take down whatever it left behind
			u.set(func(s *Status) { s.Restarts++ })
			fail(fmt.Errorf("The server exited unexpectedly (%s).", err))
			if state == Backoff {
				continue
			}
		case <-retry:
			retry = nil
			state = Starting
		case <-refill:
			refill = nil
			if state == Running && proc == nil {
				state = Starting
			}
		case c := <-u.cmds:
			switch c.kind {
			case cmdStart, cmdRestart:
				if c.kind == cmdStart && (state == Running || state == Starting) {
					c.reply <- nil
					continue
				}
				stopRetry()
				stopProc()
				restarts.Reset()
				state = Starting
				u.set(func(s *Status) {
					s.State, s.Pid, s.Error, s.RetryAt, s.StderrTail = Starting, 0, "", time.Time{}, nil
					s.NeedsSignIn = false // a remote server asks again if it must (remote.go)
				})
				c.reply <- nil
			case cmdStop:
				stopRetry()
				stopProc()
				state = Stopped
				u.set(func(s *Status) { s.State, s.Pid, s.Error, s.RetryAt = Stopped, 0, "", time.Time{} })
				c.reply <- nil
			case cmdTake:
				spare := proc
				if probing != nil {
					spare = nil // still being asked whether it answers: the client gets its own
				}
				p, err := u.take(ctx, state, spare)
				if err != nil {
					c.reply <- err
					continue
				}
				if p == proc {
					// The next spare starts once the session that took this one is under way:
					// a server's start (a package runner, a runtime) would compete for the CPU
					// with its handshake and first calls. Meanwhile a client gets a fresh process.
					proc = nil
					refill = u.sup.opts.Clock.After(SpareRefillDelay)
					u.set(func(s *Status) { s.Pid = 0 })
				}
				c.taken <- p
				c.reply <- nil
			}
		}
	}
}

// take hands a process to a client connection: the warm spare when there is one, else a
// fresh process. A server the person stopped or disabled is refused with a sentence.
func (u *unit) take(ctx context.Context, state State, spare *Process) (*Process, error) {
	switch state {
	case Stopped:
		return nil, fmt.Errorf("The server %q is stopped. Start it in MCP Tray (or run: mcptray server start %s).", u.spec.Name, u.spec.Name)
	case Disabled:
		return nil, fmt.Errorf("The server %q is turned off. Turn it on in MCP Tray (or run: mcptray server enable %s).", u.spec.Name, u.spec.Name)
	}
	p := spare
	if p == nil {
		var err error
		if p, err = u.spawn(ctx); err != nil {
			return nil, err
		}
	}
	// A spare that died an instant ago is useless; spawn a fresh one.
	select {
	case <-p.Done():
		var err error
		if p, err = u.spawn(ctx); err != nil {
			return nil, err
		}
	default:
	}
	u.track(p)
	return p, nil
}

// track counts p as a session until it exits, and makes Shutdown stop it.
func (u *unit) track(p *Process) {
	u.mu.Lock()
	if u.taken == nil {
		u.taken = map[*Process]struct{}{}
	}
	u.taken[p] = struct{}{}
	u.mu.Unlock()
	u.sessions.Add(1)
	u.set(func(*Status) {})
	go func() {
		<-p.Done()
		u.mu.Lock()
		delete(u.taken, p)
		u.mu.Unlock()
		u.sessions.Add(-1)
		u.set(func(*Status) {})
	}()
}

// stopSessions stops every process handed out that still runs; used at shutdown.
func (u *unit) stopSessions() {
	u.mu.Lock()
	var ps []*Process
	for p := range u.taken {
		ps = append(ps, p)
	}
	u.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Go(func() { p.Stop() })
	}
	wg.Wait()
}

// refused returns the spec's Refuse sentence as a permanent error, or nil.
func (u *unit) refused() error {
	if u.spec.Refuse != "" {
		return Permanent(errors.New(u.spec.Refuse))
	}
	return nil
}

func (u *unit) spawn(ctx context.Context) (*Process, error) {
	if u.spec.IsRemote() {
		return u.spawnRemote(ctx) // remote.go
	}
	if err := u.refused(); err != nil {
		return nil, err
	}
	if err := u.verifyInstalled(); err != nil {
		return nil, err
	}
	opts := &u.sup.opts
	path, err := ResolveCommand(u.spec.Command, u.spec.Dir)
	if err != nil {
		return nil, err
	}
	env := u.sup.baseEnv()
	if u.spec.Confined {
		env = sandbox.Inherited(env) // not the tokens of the person's session or of the AI app
	}
	keys := make([]string, 0, len(u.spec.Env))
	for k := range u.spec.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+u.spec.Env[k])
	}
	var vals map[string]string
	if len(u.spec.Secrets) > 0 {
		if opts.Secrets == nil {
			return nil, Permanent(fmt.Errorf("The server %q needs secrets, but no keychain is available to MCP Tray.", u.spec.Name))
		}
		if vals, err = opts.Secrets(ctx, u.spec.Name, u.spec.Secrets); err != nil {
			return nil, err
		}
		for _, k := range u.spec.Secrets {
			env = append(env, k+"="+vals[k])
		}
	}
	dir := u.spec.Dir
	if dir == "" {
		dir = opts.DefaultDir
		if u.spec.Confined {
			dir = u.stateDir() // MCP Tray's home, the usual default, is out of its reach
		}
	}
	if dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, Permanent(fmt.Errorf("The working folder %q of the server %q does not exist.", dir, u.spec.Name))
		}
	}
	args, err := argsWithSecrets(u.spec.Name, u.spec.Args, u.spec.Secrets, vals) // argsecrets.go
	if err != nil {
		return nil, Permanent(err)
	}
	cmd := newCommand(path, args, env, dir)
	if err := u.confine(cmd, env); err != nil {
		return nil, err
	}
	p, err := spawn(cmd, u.logs, opts.Ladder, opts.Clock)
	if err != nil {
		return nil, fmt.Errorf("starting %s: %w", u.spec.Command, err)
	}
	u.logs.Note("started %s (pid %d)", u.spec.Command, p.Pid())
	return p, nil
}

func (u *unit) stderrTail(n int) []string {
	var out []string
	for _, l := range u.logs.Tail(0) {
		if l.Source == "stderr" {
			out = append(out, l.Text)
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}

func describeExit(err error) string {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return "exit code 0"
	case errors.As(err, &ee):
		if ee.Exited() {
			return fmt.Sprintf("exit code %d", ee.ExitCode())
		}
		return ee.String()
	default:
		return err.Error()
	}
}
