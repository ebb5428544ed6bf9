package supervisor

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mcptray/mcptray/internal/bus"
)

// Line is one line of a server's log.
type Line struct {
	Seq    uint64    `json:"seq"`
	Time   time.Time `json:"time"`
	Server string    `json:"server"`
	// Source is "stderr" for the server's own output and "mcptray" for what MCP Tray noted
	// about the server (started, exited, restarting).
	Source string `json:"source"`
	Text   string `json:"text"`
}

// LogOptions size a server's log.
type LogOptions struct {
	Dir       string // folder for NAME.log; empty keeps the log in memory only
	RingLines int    // lines kept in memory; 0 means 1000
	FileBytes int64  // size at which NAME.log rotates; 0 means 2 MiB
	Keep      int    // rotated files kept (NAME.log.1 …); 0 means 2
	// Redact is applied to every line before it is stored anywhere; nil keeps lines as they are.
	Redact func(string) string
}

const maxLineBytes = 16 << 10

// Logs is one server's log: a ring of recent lines, a size-capped rotating file, and a feed
// for followers. It is safe for concurrent use; writers never block on followers.
type Logs struct {
	server string
	opts   LogOptions

	mu     sync.Mutex
	ring   []Line
	next   int // ring write position once full
	seq    uint64
	file   *os.File
	size   int64
	broken bool // the file could not be written; keep going in memory
	feed   bus.Bus[Line]
	// explain, when set, turns a stderr line into one plain line of MCP Tray's own (a
	// sandbox refusal), or reports false.
	explain func(string) (string, bool)
	// lastOnce is the last line noted through noteOnce.
	lastOnce string
}

// NewLogs returns the log of server; its file is opened on first write.
func NewLogs(server string, opts LogOptions) *Logs {
	if opts.RingLines <= 0 {
		opts.RingLines = 1000
	}
	if opts.FileBytes <= 0 {
		opts.FileBytes = 2 << 20
	}
	if opts.Keep <= 0 {
		opts.Keep = 2
	}
	return &Logs{server: server, opts: opts}
}

// SetRedact replaces the redaction applied to lines written from now on.
func (l *Logs) SetRedact(f func(string) string) {
	l.mu.Lock()
	l.opts.Redact = f
	l.mu.Unlock()
}

// Note records a line from MCP Tray itself about the server.
func (l *Logs) Note(format string, args ...any) { l.add("mcptray", fmt.Sprintf(format, args...)) }

// capture copies r line by line into the log until EOF. Over-long lines are split, so a
// server that never prints a newline cannot grow memory without bound.
func (l *Logs) capture(r io.Reader) {
	br := bufio.NewReaderSize(r, maxLineBytes)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			text := string(line)
			if n := len(text); text[n-1] == '\n' {
				text = text[:n-1]
				if n > 1 && text[n-2] == '\r' {
					text = text[:n-2]
				}
			}
			l.add("stderr", text)
			if f := l.explainer(); f != nil {
				if sentence, ok := f(text); ok {
					l.add("mcptray", sentence)
				}
			}
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}

// noteOnce records a line from MCP Tray itself unless it repeats the last one recorded
// through noteOnce: what stays the same from one process start to the next is said once.
func (l *Logs) noteOnce(text string) {
	l.mu.Lock()
	same := l.lastOnce == text
	l.lastOnce = text
	l.mu.Unlock()
	if !same {
		l.add("mcptray", text)
	}
}

// setExplain makes each stderr line captured from now on pass through f (nil: none).
func (l *Logs) setExplain(f func(string) (string, bool)) {
	l.mu.Lock()
	l.explain = f
	l.mu.Unlock()
}

func (l *Logs) explainer() func(string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.explain
}

func (l *Logs) add(source, text string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.opts.Redact != nil {
		text = l.opts.Redact(text) // before cutting: a cut secret would not be recognised
	}
	if len(text) > maxLineBytes {
		// A note can quote what a server sent (a remote server's error, say): no line is
		// longer than a captured one, whoever wrote it.
		cut := maxLineBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + " … (cut)"
	}
	l.seq++
	ln := Line{Seq: l.seq, Time: time.Now(), Server: l.server, Source: source, Text: text}
	if len(l.ring) < l.opts.RingLines {
		l.ring = append(l.ring, ln)
	} else {
		l.ring[l.next] = ln
		l.next = (l.next + 1) % len(l.ring)
	}
	l.writeFileLocked(ln)
	l.feed.Publish(ln)
}

// Tail returns up to n of the most recent lines, oldest first (n <= 0: all kept lines).
func (l *Logs) Tail(n int) []Line {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tailLocked(n)
}

func (l *Logs) tailLocked(n int) []Line {
	all := make([]Line, 0, len(l.ring))
	all = append(all, l.ring[l.next:]...)
	all = append(all, l.ring[:l.next]...)
	if n > 0 && n < len(all) {
		all = all[len(all)-n:]
	}
	return all
}

// Follow returns the last n lines and a channel of the lines written after them, with no gap
// or overlap between the two. The channel closes when cancel is called or the follower falls
// too far behind.
func (l *Logs) Follow(n int) ([]Line, <-chan Line, func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch, cancel := l.feed.Subscribe(4096)
	return l.tailLocked(n), ch, cancel
}

// Close closes the log file; later lines are kept in memory and reopen the file.
func (l *Logs) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file != nil {
		l.file.Close()
		l.file = nil
	}
}

// Path is the log file of the server, or "" when logs are memory-only.
func (l *Logs) Path() string {
	if l.opts.Dir == "" {
		return ""
	}
	return filepath.Join(l.opts.Dir, l.server+".log")
}

func (l *Logs) writeFileLocked(ln Line) {
	if l.opts.Dir == "" || l.broken {
		return
	}
	if l.file == nil {
		f, err := os.OpenFile(l.Path(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			l.broken = true
			return
		}
		fi, _ := f.Stat()
		l.file, l.size = f, fi.Size()
	}
	rec := fmt.Sprintf("%s %-7s %s\n", ln.Time.Format(time.RFC3339Nano), ln.Source, ln.Text)
	if l.size+int64(len(rec)) > l.opts.FileBytes {
		l.rotateLocked()
		if l.file == nil {
			return
		}
	}
	n, err := l.file.WriteString(rec)
	l.size += int64(n)
	if err != nil {
		l.broken = true
	}
}

func (l *Logs) rotateLocked() {
	l.file.Close()
	l.file = nil
	p := l.Path()
	for i := l.opts.Keep; i > 1; i-- {
		os.Rename(fmt.Sprintf("%s.%d", p, i-1), fmt.Sprintf("%s.%d", p, i))
	}
	os.Rename(p, p+".1")
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		l.broken = true
		return
	}
	l.file, l.size = f, 0
}
