package app

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"
)

// Launch is how the tray starts the window process.
type Launch struct {
	Path string
	Args []string
	// Env is the process's environment; nil: the tray's.
	Env []string
}

// windowProcess is the tray's handle on the window process: it starts it for the first
// command, numbers and sends commands, and ends it when it reports itself idle with nothing
// sent since. Owner goroutine only; the goroutines that read the process's reports and wait
// for its exit post their news to the owner.
type windowProcess struct {
	launch Launch
	post   func(func())
	report func(seq int) // the process reported itself idle after command seq

	cmd    *exec.Cmd // nil: no process (or one that was asked to end)
	stdin  io.WriteCloser
	exited chan struct{} // closed when cmd has exited
	seq    int           // commands sent to cmd
}

func newWindowProcess(l Launch, post func(func()), report func(seq int)) *windowProcess {
	return &windowProcess{launch: l, post: post, report: report}
}

func (w *windowProcess) running() bool { return w.cmd != nil }

// send gives the window process a command, starting the process first if none runs. A
// process that cannot start is reported on stderr: the tray has nowhere else to say it.
func (w *windowProcess) send(c command) {
	if w.cmd == nil {
		if err := w.start(); err != nil {
			fmt.Fprintf(os.Stderr, "MCP Tray could not open its window: %v\n", err)
			return
		}
	}
	w.seq++
	c.Seq = w.seq
	b, _ := json.Marshal(c)
	if _, err := w.stdin.Write(append(b, '\n')); err != nil {
		// The process died under us; its exit clears w.cmd and the next command starts another.
		fmt.Fprintf(os.Stderr, "MCP Tray's window process did not take a command: %v\n", err)
	}
}

func (w *windowProcess) start() error {
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
	exited := make(chan struct{})
	w.cmd, w.stdin, w.exited, w.seq = cmd, stdin, exited, 0
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var r report
			if json.Unmarshal(sc.Bytes(), &r) != nil || r.Idle == nil {
				continue
			}
			seq := *r.Idle
			w.post(func() {
				if w.cmd == cmd { // not a report from a process already asked to end
					w.report(seq)
				}
			})
		}
	}()
	go func() {
		cmd.Wait()
		close(exited)
		w.post(func() {
			if w.cmd == cmd {
				w.cmd, w.stdin = nil, nil
			}
		})
	}()
	return nil
}

// idle ends the window process if it has carried out every command sent to it.
func (w *windowProcess) idle(seq int) {
	if w.cmd != nil && seq == w.seq {
		w.end()
	}
}

// end asks the window process to end by closing its input, and kills it if it has not ended
// within 5 s. The handle is free for a new process at once.
func (w *windowProcess) end() {
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

// stop ends the window process and waits for it (at most 5 s, then it is killed). It is for
// the tray's exit, after its owner goroutine has stopped.
func (w *windowProcess) stop() {
	if w.cmd == nil {
		return
	}
	exited := w.exited
	w.end()
	select {
	case <-exited:
	case <-time.After(6 * time.Second):
	}
}
