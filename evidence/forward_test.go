package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/evidence/evidencetest"
)

func hashOf(line string) string {
	sum := sha256.Sum256([]byte(line))
	return hex.EncodeToString(sum[:])
}

// Records reach a syslog receiver and a JSON-lines file as written, in order, each with its
// chain hash.
func TestForward(t *testing.T) {
	addr, msgs := evidencetest.Syslog(t)
	file := filepath.Join(t.TempDir(), "audit-forward.jsonl")
	cfg := &config.AuditForward{Syslog: addr, File: file}
	f := New(Options{Log: slog.New(slog.DiscardHandler), Config: func() *config.AuditForward { return cfg }})
	lines := []string{`{"seq":1,"tool":"a","prev":"0000"}`, `{"seq":2,"tool":"b ] \"x\"","prev":"` + hashOf(`{"seq":1,"tool":"a","prev":"0000"}`) + `"}`}
	for _, l := range lines {
		f.Send([]byte(l), hashOf(l))
	}
	for i, l := range lines {
		m := <-msgs
		want := fmt.Sprintf(` mcptray %d audit [mcptray@32473 seq="%d" hash="%s"] %s`, os.Getpid(), i+1, hashOf(l), l)
		if !strings.HasPrefix(m, "<110>1 ") || !strings.HasSuffix(m, want) {
			t.Errorf("syslog message %d:\n got %s\nwant …%s", i+1, m, want)
		}
	}
	f.Close()
	f.Send([]byte("after close"), "x") // does nothing
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	got := bytes.Split(bytes.TrimSpace(b), []byte{'\n'})
	if len(got) != 2 {
		t.Fatalf("the file holds %q", b)
	}
	for i, g := range got {
		var x struct {
			Hash   string
			Record json.RawMessage
		}
		if err := json.Unmarshal(g, &x); err != nil || x.Hash != hashOf(lines[i]) || string(x.Record) != lines[i] {
			t.Errorf("file line %d: %s (%v)", i+1, g, err)
		}
	}
}

// Nothing is forwarded with no destination, and a receiver that is down does not hold up
// Send.
func TestForwardOffAndDown(t *testing.T) {
	f := New(Options{Log: slog.New(slog.DiscardHandler), Config: func() *config.AuditForward { return nil }})
	f.Send([]byte(`{"seq":1}`), "h")
	f.Close()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close() // nobody listens there now
	f = New(Options{Log: slog.New(slog.DiscardHandler), Config: func() *config.AuditForward { return &config.AuditForward{Syslog: addr} }})
	for i := range 2 * queueSize {
		f.Send([]byte(fmt.Sprintf(`{"seq":%d}`, i+1)), "h")
	}
	f.Close()
}

// Forwarding turned on, off and on again by config.json takes effect from the next line each
// time: lines sent while it is off are not forwarded (nothing is queued for them), and the
// destination file is let go when it is turned off.
func TestForwardFollowsConfigOnOffOn(t *testing.T) {
	file := filepath.Join(t.TempDir(), "audit-forward.jsonl")
	var mu sync.Mutex
	var cfg *config.AuditForward
	set := func(c *config.AuditForward) { mu.Lock(); cfg = c; mu.Unlock() }
	f := New(Options{Log: slog.New(slog.DiscardHandler), Config: func() *config.AuditForward { mu.Lock(); defer mu.Unlock(); return cfg }})
	defer f.Close()
	lines := func() []string {
		b, _ := os.ReadFile(file)
		var seqs []string
		for _, l := range bytes.Split(bytes.TrimSpace(b), []byte{'\n'}) {
			if len(l) > 0 {
				var x struct{ Record struct{ Seq int } }
				json.Unmarshal(l, &x)
				seqs = append(seqs, fmt.Sprint(x.Record.Seq))
			}
		}
		return seqs
	}
	waitFor := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if strings.Join(lines(), ",") == want {
				return
			}
		}
		t.Fatalf("forwarded lines %v, want %s", lines(), want)
	}
	send := func(seq int) { f.Send(fmt.Appendf(nil, `{"seq":%d}`, seq), "h") }

	send(1) // off: not forwarded
	set(&config.AuditForward{File: file})
	send(2)
	waitFor("2")
	set(nil)
	send(3) // off again: the forwarder lets the file go (config is read when a line is sent on)
	waitClosed := func() {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); f.open.Load() && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		}
		if f.open.Load() {
			t.Fatal("the forwarder still holds a destination open after forwarding was turned off")
		}
	}
	waitClosed()
	set(&config.AuditForward{File: file})
	send(4)
	waitFor("2,4")
	set(nil)
	send(5)
	send(6)
	waitClosed()
	if n := len(f.queue); n != 0 {
		t.Errorf("%d lines queued while forwarding is off", n)
	}
	send(7)
	if n := len(f.queue); n != 0 {
		t.Errorf("a line sent while forwarding is off was queued (%d waiting)", n)
	}
	waitFor("2,4")
}
