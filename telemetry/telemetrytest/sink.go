package telemetrytest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"
)

// The environment and go command the test binary started with: a test that points HOME or
// PATH elsewhere (t.Setenv) before its first Start must not send the build to an empty module
// cache or another toolchain.
var (
	buildEnv = os.Environ()
	goCmd    = lookGo()
)

func lookGo() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "go"
}

// built is otlpsink's executable, built once per test binary.
var built struct {
	once sync.Once
	path string
	err  error
}

func sinkBinary() (string, error) {
	built.once.Do(func() { built.path, built.err = buildSink() })
	return built.path, built.err
}

// buildSink builds the otlpsink module, which sits beside this file, into its tmp/ folder.
func buildSink() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(file) {
		return "", errors.New("the otlpsink module's folder is unknown (was the test built with -trimpath?)")
	}
	dir := filepath.Join(filepath.Dir(file), "otlpsink")
	tmp := filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return "", err
	}
	own := filepath.Join(tmp, fmt.Sprintf("otlpsink-%d", os.Getpid()))
	cmd := exec.Command(goCmd, "build", "-buildvcs=false", "-o", own, ".")
	cmd.Dir = dir
	// Its own module, whatever go.work is around; pure Go, whatever the test binary is.
	cmd.Env = append(slices.Clone(buildEnv), "GOWORK=off", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(own)
		return "", fmt.Errorf("building %s: %v\n%s", dir, err, out)
	}
	// One executable stays, from whichever test binary built it last (test binaries run side
	// by side): a rename is atomic, and a process already running the file it replaces keeps
	// running it.
	final := filepath.Join(tmp, "otlpsink")
	if err := os.Rename(own, final); err != nil {
		return own, nil
	}
	return final, nil
}

// sink is one running otlpsink: it hands each line it prints, as an item, to add.
type sink struct {
	http, grpc string
	cmd        *exec.Cmd
	stderr     bytes.Buffer  // read only after cmd.Wait
	done       chan struct{} // closed when the reader has read the end of stdout

	writeMu sync.Mutex // the writer of stdin
	stdin   io.WriteCloser

	mu      sync.Mutex
	asked   int64         // the last sync request written
	synced  int64         // the last sync answer read
	replied chan struct{} // closed and replaced at each answer, and at the end
	ended   bool          // stdout has ended
	failure error         // what went wrong, for stop to report
}

// line is one line of otlpsink's output (see otlpsink/line.go).
type line struct {
	Kind           string            `json:"kind"`
	HTTP           string            `json:"http"`
	GRPC           string            `json:"grpc"`
	Seq            int64             `json:"seq"`
	Name           string            `json:"name"`
	TraceID        string            `json:"traceId"`
	SpanID         string            `json:"spanId"`
	ParentSpanID   string            `json:"parentSpanId"`
	Attributes     map[string]string `json:"attributes"`
	Start          int64             `json:"start"`
	End            int64             `json:"end"`
	StatusCode     string            `json:"statusCode"`
	StatusMessage  string            `json:"statusMessage"`
	EventName      string            `json:"eventName"`
	Body           string            `json:"body"`
	SeverityText   string            `json:"severityText"`
	SeverityNumber int               `json:"severityNumber"`
	Time           int64             `json:"time"`
}

// The items add is given besides Span and Log.
type (
	metricName string
	request    struct{}
)

// startSink starts otlpsink and returns once it listens. add is called from one goroutine,
// in the order of the lines; wake is false when more lines are already waiting.
func startSink(add func(item any, wake bool)) (*sink, error) {
	path, err := sinkBinary()
	if err != nil {
		return nil, err
	}
	s := &sink{cmd: exec.Command(path), done: make(chan struct{}), replied: make(chan struct{})}
	s.cmd.Stderr = &s.stderr
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan line, 1)
	go s.read(bufio.NewReader(stdout), ready, add)
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	select {
	case l, ok := <-ready:
		if ok && l.Kind == "ready" && l.HTTP != "" && l.GRPC != "" {
			s.http, s.grpc = l.HTTP, l.GRPC
			return s, nil
		}
	case <-timeout.C:
	}
	s.cmd.Process.Kill()
	<-s.done
	s.cmd.Wait()
	return nil, fmt.Errorf("%s did not say where it listens: %s", path, s.stderr.Bytes())
}

// read reads stdout to its end: the first line goes to ready, the others to add.
func (s *sink) read(br *bufio.Reader, ready chan<- line, add func(any, bool)) {
	defer close(s.done)
	defer func() {
		s.mu.Lock()
		s.ended = true
		close(s.replied)
		s.mu.Unlock()
		add(nil, true)
	}()
	first := true
	for {
		b, err := br.ReadBytes('\n')
		if err != nil {
			if first {
				close(ready)
			}
			return
		}
		var l line
		if err := json.Unmarshal(b, &l); err != nil {
			s.fail(fmt.Errorf("it printed %q: %v", b, err))
			continue
		}
		if first {
			first = false
			ready <- l
			continue
		}
		wake := br.Buffered() == 0
		switch l.Kind {
		case "sync":
			s.mu.Lock()
			s.synced = l.Seq
			close(s.replied)
			s.replied = make(chan struct{})
			s.mu.Unlock()
		case "request":
			add(request{}, wake)
		case "span":
			add(Span{Name: l.Name, TraceID: l.TraceID, SpanID: l.SpanID, ParentSpanID: l.ParentSpanID,
				Attributes: l.Attributes, Start: time.Unix(0, l.Start), End: time.Unix(0, l.End),
				StatusError: l.StatusCode == "Error", StatusMessage: l.StatusMessage}, wake)
		case "metric":
			add(metricName(l.Name), wake)
		case "log":
			add(Log{EventName: l.EventName, Body: l.Body, Attributes: l.Attributes, SeverityText: l.SeverityText,
				SeverityNumber: l.SeverityNumber, Time: time.Unix(0, l.Time)}, wake)
		default:
			s.fail(fmt.Errorf("it printed a line of an unknown kind: %s", b))
		}
	}
}

// sync returns once every line for what otlpsink had received when sync was called has been
// handed to add (or otlpsink is gone).
func (s *sink) sync() {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	s.asked++
	seq := s.asked
	s.mu.Unlock()
	// Written in the order asked: otlpsink answers each, in order.
	s.writeMu.Lock()
	_, err := fmt.Fprintf(s.stdin, "%d\n", seq)
	s.writeMu.Unlock()
	if err != nil {
		return // stopped or gone; stop says why
	}
	timeout := time.NewTimer(30 * time.Second)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		done, ch := s.synced >= seq || s.ended, s.replied
		s.mu.Unlock()
		if done {
			return
		}
		select {
		case <-ch:
		case <-timeout.C:
			s.fail(errors.New("it did not answer within 30 s"))
			return
		}
	}
}

func (s *sink) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failure == nil {
		s.failure = err
	}
}

// stop ends otlpsink's input, which stops it, kills it if it has not ended within 10 s, and
// waits until it is gone. It returns what went wrong in its life.
func (s *sink) stop() error {
	s.writeMu.Lock()
	s.stdin.Close()
	s.writeMu.Unlock()
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.fail(errors.New("it did not stop within 10 s of its input's end"))
		s.cmd.Process.Kill()
		<-s.done
	}
	if err := s.cmd.Wait(); err != nil {
		s.fail(fmt.Errorf("it ended with %v: %s", err, s.stderr.Bytes()))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failure
}
