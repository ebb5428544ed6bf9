package supervisor

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// Ladder is the stop ladder's waits: after stdin is closed, after SIGTERM to the process
// group, and after SIGKILL. The zero value means DefaultLadder.
type Ladder struct {
	StdinGrace time.Duration // wait for a clean exit after stdin closes
	TermGrace  time.Duration // wait after SIGTERM before SIGKILL
	KillGrace  time.Duration // wait for the kernel to finish after SIGKILL
}

// DefaultLadder follows the MCP stdio shutdown advice.
var DefaultLadder = Ladder{StdinGrace: 2 * time.Second, TermGrace: 3 * time.Second, KillGrace: 5 * time.Second}

func (l Ladder) orDefault() Ladder {
	if l == (Ladder{}) {
		return DefaultLadder
	}
	return l
}

// Process is one running server process and its process tree. Its stdin and stdout carry
// the MCP protocol; its stderr is captured by the Logs given at spawn. The zero value is not
// usable: a Process comes from Spawn.
type Process struct {
	pid     int
	stdin   *os.File // our end of the child's stdin
	stdout  *os.File // our end of the child's stdout
	tree    tree     // the process group (Unix) or job (Windows)
	ladder  Ladder
	clock   Clock
	started time.Time

	done     chan struct{} // closed when the direct child has exited
	exitErr  error
	stopOnce sync.Once
	stopped  chan struct{} // closed when Stop has finished
	stderrWG sync.WaitGroup
	// cancel is set for a remote server's connector (remote.go), which has no process tree.
	cancel func()
}

// Pid returns the process id of the direct child.
func (p *Process) Pid() int { return p.pid }

// Started returns when the process was spawned.
func (p *Process) Started() time.Time { return p.started }

// Stdin is where protocol messages to the server are written. Closing it asks the server to
// exit (the first rung of the stop ladder).
func (p *Process) Stdin() io.WriteCloser { return p.stdin }

// Stdout is where protocol messages from the server are read. It reaches EOF when every
// process holding the write end has exited.
func (p *Process) Stdout() io.Reader { return p.stdout }

// Done is closed when the direct child has exited (the tree may live on until Stop).
func (p *Process) Done() <-chan struct{} { return p.done }

// ExitError returns how the direct child exited; valid after Done is closed.
func (p *Process) ExitError() error {
	<-p.done
	return p.exitErr
}

// Stop ends the process and its whole tree with the stop ladder: close stdin and wait, then
// SIGTERM to the group and wait, then SIGKILL to the group. It blocks until no process of the
// tree is left, and is idempotent and safe for concurrent use: every caller returns once the
// tree is gone. The returned error is nil if the tree went away, whatever the exit status.
func (p *Process) Stop() error {
	p.stopOnce.Do(func() {
		defer close(p.stopped)
		if p.cancel != nil {
			p.stopRemote()
			return
		}
		p.stdin.Close()
		if !p.waitGone(p.ladder.StdinGrace) {
			p.tree.signal(sigTerm)
			if !p.waitGone(p.ladder.TermGrace) {
				p.tree.signal(sigKill)
				p.waitGone(p.ladder.KillGrace)
			}
		}
		p.tree.release()
		p.stderrWG.Wait()
		p.stdout.Close()
	})
	<-p.stopped
	if p.tree.alive() {
		return fmt.Errorf("process group %d survived SIGKILL", p.pid)
	}
	return nil
}

// waitGone waits up to d on the supervisor's clock for the direct child to exit and the rest
// of its tree to go.
func (p *Process) waitGone(d time.Duration) bool {
	deadline := p.clock.After(d)
	select {
	case <-p.done:
	case <-deadline:
		return false
	}
	// The leader is gone; poll for the rest of the tree, which has no exit notification. The
	// polls are the wall clock's: they ask the kernel, they are not a wait the ladder defines.
	for delay := time.Millisecond; ; delay = min(delay*2, 20*time.Millisecond) {
		if !p.tree.alive() {
			return true
		}
		select {
		case <-deadline:
			return false
		case <-time.After(delay):
		}
	}
}

// ErrCommandNotFound is returned by Spawn when the server's program is not installed.
var ErrCommandNotFound = errors.New("command not found")

// pipes opens n pipes and returns their read and write ends; on an error none is left open.
func pipes(n int) (r, w []*os.File, err error) {
	for range n {
		pr, pw, err := os.Pipe()
		if err != nil {
			for i := range r {
				r[i].Close()
				w[i].Close()
			}
			return nil, nil, err
		}
		r, w = append(r, pr), append(w, pw)
	}
	return r, w, nil
}

// spawn starts cmd with fresh pipes, its own process tree and stderr flowing into logs.
func spawn(cmd *exec.Cmd, logs *Logs, ladder Ladder, clock Clock) (*Process, error) {
	r, w, err := pipes(3)
	if err != nil {
		return nil, err
	}
	inR, outR, errR := r[0], r[1], r[2]
	inW, outW, errW := w[0], w[1], w[2]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	p := &Process{stdin: inW, stdout: outR, ladder: ladder.orDefault(), clock: orRealClock(clock),
		done: make(chan struct{}), stopped: make(chan struct{})}
	prepareTree(cmd)
	err = startAndWait(cmd, p)
	inR.Close()
	outW.Close()
	errW.Close()
	if err != nil {
		inW.Close()
		outR.Close()
		errR.Close()
		return nil, err
	}
	p.pid = cmd.Process.Pid
	p.started = p.clock.Now()
	p.stderrWG.Add(1)
	go func() {
		defer p.stderrWG.Done()
		defer errR.Close()
		logs.capture(errR)
	}()
	return p, nil
}
