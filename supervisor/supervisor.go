package supervisor

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/bus"
)

// Options configure a Supervisor. The zero value works: no log files, default ladder and
// backoff on the real clock, no secrets.
type Options struct {
	LogDir     string // folder for one rotating log file per server
	DefaultDir string // working directory for servers that name none
	Ladder     Ladder
	Backoff    BackoffPolicy
	// Secrets returns the values of a server's secrets at each spawn. An error that wraps
	// Permanent (a secret that is not set) keeps the server from starting until the person acts.
	Secrets func(ctx context.Context, server string, keys []string) (map[string]string, error)
	// Tokens, if set, gives a remote server's connector its access token source (remote.go).
	Tokens func(server, url string) func(ctx context.Context) (string, error)
	// Redact is applied to every log line before it is stored.
	Redact func(string) string
	// Env, if set, replaces os.Environ() as the base of every server's environment; PATH is
	// always replaced by the login-shell search path.
	Env []string
	// Sandbox says where confined servers keep their files and what they must never reach.
	Sandbox SandboxOptions
	// Clock times the backoff and the stop ladder; nil means the real clock (clock.go).
	Clock Clock
}

// Supervisor runs a set of servers. It is safe for concurrent use.
type Supervisor struct {
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	units  map[string]*unit
	logs   map[string]*Logs
	events bus.Bus[Status]

	applyMu sync.Mutex // one Apply at a time
}

// New returns a supervisor with no servers. Call Apply to give it some and Shutdown to end it.
func New(opts Options) *Supervisor {
	opts.Ladder = opts.Ladder.orDefault()
	opts.Backoff = opts.Backoff.orDefault()
	opts.Clock = orRealClock(opts.Clock)
	ctx, cancel := context.WithCancel(context.Background())
	return &Supervisor{opts: opts, ctx: ctx, cancel: cancel, units: map[string]*unit{}, logs: map[string]*Logs{}}
}

// Apply makes the running set match specs: servers not in specs are stopped and removed, new
// ones are started, changed ones are restarted, unchanged ones are left alone (Apply is
// idempotent). A server the person stopped stays stopped across a change. Apply returns once
// removed and changed servers are fully stopped. Concurrent calls run one after another, so
// a unit is never replaced twice.
func (s *Supervisor) Apply(specs []Spec) {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	want := map[string]Spec{}
	for _, sp := range specs {
		want[sp.Name] = sp
	}
	s.mu.Lock()
	var ending []*unit
	var endingWasStopped []bool
	for name, u := range s.units {
		sp, ok := want[name]
		if ok && sp.equal(u.spec) {
			delete(want, name)
			continue
		}
		ending = append(ending, u)
		endingWasStopped = append(endingWasStopped, u.snapshot().State == Stopped)
		delete(s.units, name)
		if !ok {
			s.events.Publish(Status{Name: name, State: Stopped, Error: "removed"})
		}
	}
	s.mu.Unlock()
	stopped := map[string]bool{}
	for i, u := range ending {
		s.endUnit(u)
		if endingWasStopped[i] {
			stopped[u.spec.Name] = true
		}
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range names {
		sp := want[n]
		initial := Starting
		switch {
		case sp.Disabled:
			initial = Disabled
		case stopped[n]:
			initial = Stopped
		}
		s.startUnitLocked(sp, initial)
	}
}

func (s *Supervisor) startUnitLocked(sp Spec, initial State) {
	logs := s.logs[sp.Name]
	if logs == nil {
		logs = NewLogs(sp.Name, LogOptions{Dir: s.opts.LogDir, Redact: s.opts.Redact})
		s.logs[sp.Name] = logs
	}
	ctx, cancel := context.WithCancel(s.ctx)
	u := &unit{spec: sp, sup: s, logs: logs, cmds: make(chan command), done: make(chan struct{}),
		cancel: cancel, status: Status{Name: sp.Name, State: initial, Remote: sp.remoteHost()}}
	s.units[sp.Name] = u
	go u.run(ctx, initial)
}

// endUnit stops a unit's goroutine, its spare and its sessions, and waits for all of them.
func (s *Supervisor) endUnit(u *unit) {
	u.cancel()
	<-u.done
	u.stopSessions()
}

func (s *Supervisor) unit(name string) (*unit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.units[name]
	if u == nil {
		return nil, noServer(name)
	}
	return u, nil
}

// noServer is the error for a server name the supervisor does not run; it is
// config.ErrNoServer, so callers tell it apart with errors.Is, never by its text.
type noServer string

func (n noServer) Error() string {
	return fmt.Sprintf("There is no server named %q in MCP Tray.", string(n))
}
func (n noServer) Is(target error) bool { return target == config.ErrNoServer }

func (s *Supervisor) do(ctx context.Context, name string, kind cmdKind) error {
	u, err := s.unit(name)
	if err != nil {
		return err
	}
	if st := u.snapshot().State; st == Disabled && kind != cmdStop {
		return fmt.Errorf("The server %q is turned off; turn it on first (mcptray server enable %s).", name, name)
	}
	return u.send(ctx, command{kind: kind, reply: make(chan error, 1)})
}

// Start starts a stopped or failed server; a running one is left alone.
func (s *Supervisor) Start(ctx context.Context, name string) error { return s.do(ctx, name, cmdStart) }

// Stop stops a server's spare and keeps it stopped until Start; it returns once the process
// tree is gone. Processes already handed to clients keep running until they disconnect.
func (s *Supervisor) Stop(ctx context.Context, name string) error { return s.do(ctx, name, cmdStop) }

// Restart stops and starts a server, clearing a Failed state.
func (s *Supervisor) Restart(ctx context.Context, name string) error {
	return s.do(ctx, name, cmdRestart)
}

// Take hands a process of the named server to a client connection: the warm spare if one is
// ready (a new spare is started at once), else a freshly spawned one. The caller owns the
// process and must Stop it when the connection ends.
func (s *Supervisor) Take(ctx context.Context, name string) (*Process, error) {
	u, err := s.unit(name)
	if err != nil {
		return nil, err
	}
	c := command{kind: cmdTake, reply: make(chan error, 1), taken: make(chan *Process, 1)}
	if err := u.send(ctx, c); err != nil {
		return nil, err
	}
	return <-c.taken, nil
}

// Clock returns the clock the supervisor times its waits with (Options.Clock).
func (s *Supervisor) Clock() Clock { return s.opts.Clock }

// Status returns every server's status, sorted by name.
func (s *Supervisor) Status() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statusLocked()
}

func (s *Supervisor) statusLocked() []Status {
	out := make([]Status, 0, len(s.units))
	for _, u := range s.units {
		out = append(out, u.snapshot())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Subscribe returns the current status of every server and a channel of changes after it.
// The channel closes on cancel, at Shutdown, or when the subscriber falls too far behind
// (then subscribe again for a fresh snapshot).
func (s *Supervisor) Subscribe() ([]Status, <-chan Status, func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, cancel := s.events.Subscribe(1024)
	return s.statusLocked(), ch, cancel
}

func (s *Supervisor) publish(st Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.units[st.Name]; u == nil {
		return // a unit being replaced; its successor publishes its own state
	}
	s.events.Publish(st)
}

// Logs returns the named server's log, or nil if it was never configured.
func (s *Supervisor) Logs(name string) *Logs {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs[name]
}

// Shutdown stops every server and every process handed to clients, and returns once all of
// them are gone. The supervisor cannot be used afterwards.
func (s *Supervisor) Shutdown() {
	s.mu.Lock()
	units := make([]*unit, 0, len(s.units))
	for _, u := range s.units {
		units = append(units, u)
	}
	s.mu.Unlock()
	s.cancel()
	var wg sync.WaitGroup
	for _, u := range units {
		wg.Go(func() {
			<-u.done
			u.stopSessions()
		})
	}
	wg.Wait()
	s.mu.Lock()
	for _, l := range s.logs {
		l.Close()
	}
	s.mu.Unlock()
}

func (s *Supervisor) baseEnv() []string {
	base := s.opts.Env
	if base == nil {
		base = os.Environ()
	}
	env := make([]string, 0, len(base)+8)
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if k == "PATH" || strings.HasPrefix(k, "MCPTRAY_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "PATH="+PathEnv())
}
