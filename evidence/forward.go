package evidence

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/telemetry"
)

// Forwarder sends audit lines to the destinations config names, in order, off the audit
// writer: Send only queues. When a destination is slow or down the queue fills and lines are
// dropped (counted, and said in the log); a receiver sees the gap from the records' seq and
// prev, and the audit file keeps every line. Safe for concurrent use.
type Forwarder struct {
	log  *slog.Logger
	opts Options

	mu      sync.RWMutex // Close takes it to close queue; Send holds it to send
	closed  bool
	queue   chan item
	done    chan struct{}
	dropped atomic.Uint64
	// open says the forwarder's goroutine holds a destination open: while it does not and
	// config names none, Send queues nothing (every relayed call's line would otherwise be
	// copied and handed to a goroutine for nothing).
	open atomic.Bool
}

type item struct {
	line []byte
	hash string
}

// queueSize bounds the lines waiting to be forwarded.
const queueSize = 8192

// Options say where a forwarder sends and how it tells its trouble.
type Options struct {
	// Config returns the settings in effect; nil or empty forwards nothing. It is read for
	// every line, so a change of config.json applies from the next line on.
	Config func() *config.AuditForward
	// Log is where trouble is told; nil: slog.Default().
	Log *slog.Logger
	// Version is MCP Tray's, for the OTLP records' service.version.
	Version string
	// Helper is the mcptray-otel program that sends OTLP; "": the one beside the running
	// executable.
	Helper string
}

// New starts a forwarder as o says. Close stops it.
func New(o Options) *Forwarder {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	f := &Forwarder{log: o.Log, opts: o, queue: make(chan item, queueSize), done: make(chan struct{})}
	go f.run()
	return f
}

// Send queues a line (copied) and its hash; it never blocks. Safe to call on a nil Forwarder.
func (f *Forwarder) Send(line []byte, hash string) {
	if f == nil {
		return
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.closed {
		return
	}
	if !f.open.Load() {
		if c := f.opts.Config(); c == nil || *c == (config.AuditForward{}) {
			return
		}
	}
	select {
	case f.queue <- item{line: append([]byte(nil), line...), hash: hash}:
	default:
		if f.dropped.Add(1) == 1 {
			f.log.Warn("audit records not forwarded: the receiver is not keeping up (they are still in the audit log)")
		}
	}
}

// Close forwards what is queued (a receiver that is down is not waited for: see
// syslogRetry; an OTLP collector is given otlpFlush at most) and stops. It is idempotent,
// and Send after it does nothing.
func (f *Forwarder) Close() {
	if f == nil {
		return
	}
	f.mu.Lock()
	if !f.closed {
		f.closed = true
		close(f.queue)
	}
	f.mu.Unlock()
	<-f.done
}

// run is the forwarder's one goroutine: it owns the destinations.
func (f *Forwarder) run() {
	defer close(f.done)
	var cur config.AuditForward
	var sys *syslogConn
	var file *os.File
	var otlp *telemetry.Telemetry
	defer func() {
		sys.closeIfAny()
		if file != nil {
			file.Close()
		}
		stopOTLP(otlp)
	}()
	failing := map[string]bool{} // destinations whose failure was logged, until they work again
	report := func(dest string, err error) {
		if err == nil {
			if failing[dest] {
				f.log.Info("forwarding the audit log again", "to", dest)
			}
			delete(failing, dest)
			return
		}
		if !failing[dest] {
			f.log.Error("the audit log could not be forwarded", "to", dest, "err", err)
			failing[dest] = true
		}
	}
	for it := range f.queue {
		var want config.AuditForward
		if c := f.opts.Config(); c != nil {
			want = *c
		}
		if want != cur {
			sys.closeIfAny()
			sys = nil
			if file != nil {
				file.Close()
				file = nil
			}
			if want.Syslog != "" {
				sys = newSyslogConn(want.Syslog, want.TLS)
			}
			if want.OTLP != cur.OTLP || want.OTLPProtocol != cur.OTLPProtocol {
				stopOTLP(otlp)
				otlp = nil
				if want.OTLP != "" {
					otlp = f.startOTLP(want)
				}
			}
			cur = want
			f.open.Store(cur != config.AuditForward{})
		}
		var rec record
		if otlp != nil || sys != nil {
			json.Unmarshal(it.line, &rec)
		}
		if otlp != nil {
			otlp.Audit(auditLog(it.line, it.hash, rec))
		}
		if sys != nil {
			report(cur.Syslog, sys.send(rec.Seq, it.hash, it.line))
		}
		if cur.File != "" {
			if file == nil {
				var err error
				file, err = os.OpenFile(cur.File, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
				if err != nil {
					report(cur.File, fmt.Errorf("opening %s: %w", cur.File, err))
					file = nil
					continue
				}
			}
			_, err := file.Write(FileLine(it.line, it.hash))
			report(cur.File, err)
		}
	}
}

// record is what the forwarder reads of an audit line.
type record struct {
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"`
}

// FileLine is one line of the JSON-lines file: {"hash":"…","record":{…}} with the record
// exactly as written, and a newline.
func FileLine(line []byte, hash string) []byte {
	b := fmt.Appendf(nil, `{"hash":%q,"record":`, hash)
	b = append(b, line...)
	return append(b, '}', '\n')
}

func (c *syslogConn) closeIfAny() {
	if c != nil {
		c.close()
	}
}
