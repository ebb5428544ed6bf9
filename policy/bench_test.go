package policy

import (
	"context"
	"encoding/json"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// benchEngine is an engine that knows the real filesystem server's tools, with rules for a
// few servers, as a person's daemon would have.
func benchEngine(b *testing.B) *Engine {
	b.Helper()
	raw, err := os.ReadFile("testdata/benign/filesystem.json")
	if err != nil {
		b.Fatal(err)
	}
	var c benignCapture
	if err := json.Unmarshal(raw, &c); err != nil {
		b.Fatal(err)
	}
	e := NewEngine(EngineOptions{Rules: map[string]ServerRules{
		"fs":     {Tools: map[string]Rule{"write_file": RuleAsk, "move_file": RuleDeny}},
		"github": {Trust: true},
		"k8s":    {Tools: map[string]Rule{"delete_pod": RuleDeny}},
	}})
	if _, err := e.ObserveTools("fs", c.Result.Tools, true); err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkDecideAllow measures the latency policy adds to an allowed call (target: 20 µs).
func BenchmarkDecideAllow(b *testing.B) {
	e := benchEngine(b)
	call := Call{Client: "Claude Desktop", Session: "s1", Server: "fs", Tool: "read_text_file", Arguments: []byte(`{"path":"/tmp/a"}`)}
	if v := e.Decide(call); v.Rule != RuleAllow {
		b.Fatalf("benchmark call is not allowed: %+v", v)
	}
	b.ReportAllocs()
	for b.Loop() {
		e.Decide(call)
	}
}

// BenchmarkDecideAllowParallel is the same under contention from every core.
func BenchmarkDecideAllowParallel(b *testing.B) {
	e := benchEngine(b)
	call := Call{Session: "s1", Server: "fs", Tool: "read_text_file"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			e.Decide(call)
		}
	})
}

// BenchmarkDecideSessionGrant measures a call that asks by default but was allowed for the
// session: the grant lookup is on its path.
func BenchmarkDecideSessionGrant(b *testing.B) {
	e := benchEngine(b)
	call := Call{Session: "s1", Server: "fs", Tool: "edit_file", Scope: "dev"}
	e.Grants().grantSession(&call)
	if v := e.Decide(call); v.Rule != RuleAllow {
		b.Fatalf("benchmark call is not allowed: %+v", v)
	}
	b.ReportAllocs()
	for b.Loop() {
		e.Decide(call)
	}
}

// BenchmarkAskToEvent measures the time from Ask to its ApprovalAdded event reaching a
// subscriber (target: 5 ms), reported as ask-to-event-ns; ns/op is the whole round trip.
func BenchmarkAskToEvent(b *testing.B) {
	br := NewBroker(BrokerOptions{})
	_, events, cancel := br.Subscribe()
	defer cancel()
	req := askRequest("s1", "write_file")
	var total time.Duration
	var start atomic.Int64
	done := make(chan struct{})
	for b.Loop() {
		go func() {
			start.Store(time.Now().UnixNano())
			br.Ask(context.Background(), req)
			done <- struct{}{}
		}()
		var ev Event
		for ev = range events {
			if ev.Kind == ApprovalAdded {
				break
			}
		}
		total += time.Duration(time.Now().UnixNano() - start.Load())
		if err := br.Answer(ev.Approval.ID, AllowOnce); err != nil {
			b.Fatal(err)
		}
		<-done
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "ask-to-event-ns")
}

// BenchmarkAuditAppend measures one audit line with the default durability (fsync at most
// once a second) and with an fsync on every line.
func BenchmarkAuditAppend(b *testing.B) {
	entry := AuditEntry{
		Call:     Call{Client: "Claude Desktop", Session: "s1", Server: "github", Tool: "create_issue", Arguments: []byte(`{"owner":"mcptray","repo":"mcptray","title":"A bug","body":"It broke when I clicked the tray icon twice."}`)},
		Decision: Decision{Outcome: Allowed, DecidedBy: ByPerson, Answer: AllowOnce, Reason: "You allowed this call.", Waited: 3 * time.Second},
		Duration: 120 * time.Millisecond, Outcome: CallOK,
	}
	for _, bc := range []struct {
		name string
		sync time.Duration
	}{{"sync-every-second", 0}, {"sync-every-line", -1}} {
		b.Run(bc.name, func(b *testing.B) {
			l, err := OpenAudit(b.TempDir(), AuditOptions{SyncEvery: bc.sync})
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			b.ReportAllocs()
			for b.Loop() {
				if err := l.Append(entry); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkObserveTools measures a tools/list of the Notion server (24 tools, 190 KB of
// schemas): first sight (parse, scan, pin) and the same list again (cached).
func BenchmarkObserveTools(b *testing.B) {
	raw, err := os.ReadFile("testdata/benign/notion.json")
	if err != nil {
		b.Fatal(err)
	}
	var c benignCapture
	if err := json.Unmarshal(raw, &c); err != nil {
		b.Fatal(err)
	}
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			NewEngine(EngineOptions{}).ObserveTools("notion", c.Result.Tools, true)
		}
	})
	b.Run("again", func(b *testing.B) {
		e := NewEngine(EngineOptions{})
		e.ObserveTools("notion", c.Result.Tools, true)
		for b.Loop() {
			e.ObserveTools("notion", c.Result.Tools, true)
		}
	})
}

// BenchmarkAuditAppendBatch measures what one call costs the audit writer when calls keep
// coming: a batch of 64 lines written at once (auditLinger), per line.
func BenchmarkAuditAppendBatch(b *testing.B) {
	entry := AuditEntry{
		Call:     Call{Client: "Claude Desktop", Session: "s1", Server: "github", Tool: "create_issue", Arguments: []byte(`{"owner":"mcptray","repo":"mcptray","title":"A bug","body":"It broke when I clicked the tray icon twice."}`)},
		Decision: Decision{Outcome: Allowed, DecidedBy: ByRule},
		Duration: 120 * time.Millisecond, Outcome: CallOK,
	}
	batch := make([]AuditEntry, 64)
	for i := range batch {
		batch[i] = entry
	}
	l, err := OpenAudit(b.TempDir(), AuditOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.ReportAllocs()
	for b.Loop() {
		if err := l.AppendBatch(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/line")
}
