package policy

import (
	"strconv"
	"sync"
	"testing"
)

// Every entry written from many goroutines is in the log once Close returns, and the chain
// holds.
func TestAuditWriterWritesEveryEntryBeforeClose(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenAudit(dir, AuditOptions{SyncEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	w := NewAuditWriter(l, func(err error) { t.Errorf("writing: %v", err) })
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 250 {
				w.Write(AuditEntry{Call: Call{Server: "fs", Tool: strconv.Itoa(g*1000 + i)}, Decision: Decision{Outcome: Allowed, DecidedBy: ByRule}, Outcome: CallOK})
			}
		})
	}
	wg.Wait()
	w.Close()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(dir)
	if err != nil || !rep.OK || rep.Lines != 2000 {
		t.Fatalf("after Close: %+v, %v; want 2000 chained lines", rep, err)
	}
}
