package telemetry

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/telemetry/wire"
)

// HelperName is the program that exports over OTLP, installed beside mcptray and
// mcptray-app. It is a program of its own so that the OTLP exporters (gRPC, protobuf) weigh
// only on the process that sends, never on the daemon or on each AI app's bridge.
const HelperName = "mcptray-otel"

// HelperPath is where the helper is installed: the running executable's folder, after
// symbolic links (Homebrew links mcptray into its bin folder; the helper stays in the app).
func HelperPath() string {
	name := HelperName
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	exe, err := os.Executable()
	if err != nil {
		return "" // never a bare name: that would run whatever PATH finds
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	return filepath.Join(filepath.Dir(exe), name)
}

// words are the log's sentences about one kind of export.
type words struct {
	what    string // the export, as the start of a sentence
	none    string // what is not sent while the helper is missing
	dropped string // follows a count of records left out
}

var callWords = words{
	what:    "OpenTelemetry",
	none:    "no traces or metrics are sent",
	dropped: " tool calls were left out of OpenTelemetry: the helper could not keep up or was not running.",
}

// maxBackoff caps the wait before the helper is started again.
const maxBackoff = time.Minute

// droppedEvery spaces the log's notes about dropped calls.
const droppedEvery = time.Minute

// feeder owns the helper process: it starts it, writes the queue into it, starts it again
// with a capped backoff when it ends, and stops it on Shutdown. Only its run goroutine starts
// processes; kill may be called from any goroutine.
type feeder struct {
	t      *Telemetry
	header wire.Header
	opts   Options
	words  words

	mu     sync.Mutex
	cmd    *exec.Cmd // the running helper, nil between runs
	killed bool

	tries       atomic.Int32 // helpers started or tried, for tests
	toldMissing bool
	toldDropped time.Time
}

// run keeps a helper fed until Shutdown; it closes t.done when the last helper has exited.
func (f *feeder) run() {
	defer close(f.t.done)
	wait := f.opts.Backoff
	for {
		started := time.Now()
		err := f.once()
		if err == nil {
			return // stopped, everything handed over
		}
		select {
		case <-f.t.stop:
			return
		default:
		}
		if time.Since(started) > maxBackoff {
			wait = f.opts.Backoff // it ran for a good while: this is a new failure, not a loop
		}
		switch {
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, exec.ErrNotFound):
			if !f.toldMissing {
				f.toldMissing = true
				f.opts.Log.Error(f.words.what + " is on, but its helper program " + HelperName + " is missing from " +
					filepath.Dir(f.opts.Helper) + ": " + f.words.none + " until MCP Tray is installed again.")
			}
		default:
			f.opts.Log.Warn("The helper of "+f.words.what+" stopped; MCP Tray starts it again in "+wait.String()+".", "err", err)
		}
		t := time.NewTimer(wait)
		select {
		case <-f.t.stop:
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(2*wait, maxBackoff)
	}
}

// errHelperEnded is a helper that exited while the daemon still had calls to give it.
var errHelperEnded = errors.New("the helper exited")

// once runs one helper: nil when Shutdown stopped it after it took everything queued.
func (f *feeder) once() error {
	f.tries.Add(1)
	if !filepath.IsAbs(f.opts.Helper) {
		return fs.ErrNotExist // only the installed helper runs, never one PATH finds
	}
	cmd := exec.Command(f.opts.Helper)
	cmd.Stdout = nil
	cmd.Stderr = &lineLog{f: f}
	quiet(cmd)
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	f.mu.Lock()
	if f.killed {
		f.mu.Unlock()
		return nil
	}
	if err := cmd.Start(); err != nil {
		f.mu.Unlock()
		return err
	}
	f.cmd = cmd
	f.mu.Unlock()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		f.mu.Lock()
		f.cmd = nil
		f.mu.Unlock()
	}()

	w := bufio.NewWriter(in)
	enc := json.NewEncoder(w)
	fail := func(err error) error {
		in.Close()
		cmd.Process.Kill()
		<-exited
		return err
	}
	if err := enc.Encode(f.header); err != nil {
		return fail(err)
	}
	for {
		if len(f.t.q) == 0 {
			if err := w.Flush(); err != nil {
				return fail(err)
			}
			f.tellDropped()
		}
		select {
		case r := <-f.t.q:
			if err := enc.Encode(r); err != nil {
				return fail(err)
			}
		case err := <-exited:
			if err == nil {
				err = errHelperEnded
			}
			return err
		case <-f.t.stop:
			for drained := false; !drained; {
				select {
				case r := <-f.t.q:
					if err := enc.Encode(r); err != nil {
						return fail(err)
					}
				default:
					drained = true
				}
			}
			if err := w.Flush(); err != nil {
				return fail(err)
			}
			in.Close() // the helper sends what it holds and exits
			<-exited
			return nil
		}
	}
}

// pid is the running helper's process id, 0 between runs.
func (f *feeder) pid() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cmd == nil {
		return 0
	}
	return f.cmd.Process.Pid
}

// kill ends the running helper at once and starts no other.
func (f *feeder) kill() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.killed = true
	if f.cmd != nil {
		f.cmd.Process.Kill()
	}
}

// tellDropped says in the log, at most once a minute, how many calls the queue dropped.
func (f *feeder) tellDropped() {
	n := f.t.dropped.Load()
	if n == 0 || time.Since(f.toldDropped) < droppedEvery {
		return
	}
	f.t.dropped.Add(^(n - 1)) // subtracts n: calls dropped meanwhile stay counted
	f.toldDropped = time.Now()
	f.opts.Log.Warn(strconv.FormatUint(n, 10) + f.words.dropped)
}

// lineLog puts each line the helper writes on its standard error into the daemon log.
type lineLog struct {
	f   *feeder
	buf []byte
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		line, rest, ok := cutLine(l.buf)
		if !ok {
			break
		}
		if len(line) > 0 {
			l.f.opts.Log.Warn(l.f.words.what + ": " + display.Line(string(line)))
		}
		l.buf = rest
	}
	if len(l.buf) > 4096 {
		l.f.opts.Log.Warn(l.f.words.what + ": " + display.Line(string(l.buf)))
		l.buf = l.buf[:0]
	}
	return len(p), nil
}

func cutLine(b []byte) (line, rest []byte, ok bool) {
	for i, c := range b {
		if c == '\n' {
			return b[:i], b[i+1:], true
		}
	}
	return nil, b, false
}

var _ io.Writer = (*lineLog)(nil)
