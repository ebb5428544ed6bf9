// Package childproc runs a helper process that takes numbered commands, one JSON object per
// line on its standard input, and reports on its standard output when it has nothing left to
// do. The tray uses it for its window process: started for the first command, ended by
// closing its input once it reports itself idle with nothing sent since.
//
// The wire format: the parent writes {"seq":N,"do":COMMAND}, N counting from 1 for each
// process; the child writes {"idle":N} once it has carried out command N and has nothing on
// screen. A child ends when its input ends.
package childproc

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"time"
)

// Launch is how to start the process.
type Launch struct {
	Path string
	Args []string
	// Env is the process's environment; nil: the tray's.
	Env []string
	// Started, if set, is told each new process's pid as soon as it runs (the daemon lets
	// exactly that process approve calls).
	Started func(pid int)
}

// Process is the parent's handle on the helper process: it starts it for the first command,
// numbers and sends commands, and ends it when it reports itself idle with nothing sent since.
// It is not safe for concurrent use: one owner goroutine calls its methods, and the goroutines
// that read the process's reports and wait for its exit hand their news to that owner with
// post.
type Process struct {
	launch Launch
	post   func(func())
	report func(seq int) // the process reported itself idle after command seq
	onExit func()        // the process ended without being asked to

	cmd    *exec.Cmd // nil: no process (or one that was asked to end)
	stdin  io.WriteCloser
	exited chan struct{} // closed when cmd has exited
	seq    int           // commands sent to cmd

	// A process that fails as it starts (a window process that could not open the display
	// on a busy machine) is started again with the commands it never answered: unsent keeps
	// them until the process's first report; starts counts such quick failures in a row.
	unsent  []any
	started time.Time
	starts  int
}

// startFailure bounds what counts as failing to start: exiting with an error status (not
// killed) within this long of starting, before any report. At most retryStarts such failures
// in a row are started again.
const (
	startFailure = 3 * time.Second
	retryStarts  = 2
)

// New returns a handle that starts l on the first command. post runs a function on the
// owner goroutine; report is called there when the process says it is idle after command seq
// (the owner then calls Idle to end it, or not), and exited when the process ended without
// being asked to (it crashed, or was killed): the next Send starts another.
func New(l Launch, post func(func()), report func(seq int), exited func()) *Process {
	return &Process{launch: l, post: post, report: report, onExit: exited}
}

// Running reports whether a process is up and has not been asked to end.
func (w *Process) Running() bool { return w.cmd != nil }

// envelope is one command on the wire.
type envelope struct {
	Seq int `json:"seq"`
	Do  any `json:"do"`
}

// Report is one line from the child: Idle is the last command it carried out before it
// found itself with nothing to do.
type Report struct {
	Idle *int `json:"idle,omitempty"`
}

// Send gives the process a command, starting the process first if none runs. It returns an
// error if the process cannot start or did not take the command (it died: the next Send
// starts another).
func (w *Process) Send(c any) error {
	if w.cmd == nil {
		if err := w.start(); err != nil {
			return err
		}
	}
	w.seq++
	w.unsent = append(w.unsent, c)
	b, err := json.Marshal(envelope{Seq: w.seq, Do: c})
	if err != nil {
		return err
	}
	_, err = w.stdin.Write(append(b, '\n'))
	return err
}

func (w *Process) start() error {
	cmd := exec.Command(w.launch.Path, w.launch.Args...)
	cmd.Env = w.launch.Env
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	if w.launch.Started != nil {
		w.launch.Started(cmd.Process.Pid)
	}
	exited := make(chan struct{})
	w.cmd, w.stdin, w.exited, w.seq, w.unsent, w.started = cmd, stdin, exited, 0, nil, time.Now()
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var r Report
			if json.Unmarshal(sc.Bytes(), &r) != nil || r.Idle == nil {
				continue
			}
			seq := *r.Idle
			w.post(func() {
				if w.cmd == cmd { // not a report from a process already asked to end
					w.unsent, w.starts = nil, 0
					w.report(seq)
				}
			})
		}
	}()
	go func() {
		cmd.Wait()
		close(exited)
		w.post(func() {
			if w.cmd != cmd {
				return
			}
			w.cmd, w.stdin = nil, nil
			if code := cmd.ProcessState.ExitCode(); code > 0 && len(w.unsent) > 0 &&
				time.Since(w.started) < startFailure && w.starts < retryStarts {
				w.starts++
				w.retry(w.unsent)
				return
			}
			w.starts = 0
			w.onExit()
		})
	}()
	return nil
}

// retry starts a process again for the commands a process that failed as it started never
// answered, after a short pause. A Send meanwhile starts one itself; these commands then
// follow it.
func (w *Process) retry(cmds []any) {
	time.AfterFunc(time.Duration(w.starts)*250*time.Millisecond, func() {
		w.post(func() {
			for _, c := range cmds {
				if err := w.Send(c); err != nil {
					w.onExit()
					return
				}
			}
		})
	})
}

// Idle ends the process if it has carried out every command sent to it (seq is the last one
// it reported).
func (w *Process) Idle(seq int) {
	if w.cmd != nil && seq == w.seq {
		w.end()
	}
}

// end asks the process to end by closing its input, and kills it if it has not ended within
// 5 s. The handle is free for a new process at once.
func (w *Process) end() {
	if w.cmd == nil {
		return
	}
	w.stdin.Close()
	p, exited := w.cmd.Process, w.exited
	w.cmd, w.stdin = nil, nil
	go func() {
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			p.Kill()
		}
	}()
}

// Stop ends the process and waits until it is gone: it closes the input, and kills the
// process after 5 s. It is for the owner's exit; calling it twice is safe.
func (w *Process) Stop() {
	if w.cmd == nil {
		return
	}
	exited := w.exited
	w.end()
	<-exited // end kills it after 5 s
}
