package supervisor

import (
	"context"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSpawnToRunning measures how long a server takes from Apply to Running: the cost of
// readying a warm spare.
func BenchmarkSpawnToRunning(b *testing.B) {
	s := New(Options{})
	defer s.Shutdown()
	ctx := context.Background()
	s.Apply([]Spec{{Name: "a", Command: fake}})
	benchWait(b, s, func(st Status) bool { return running(st) })
	for b.Loop() {
		s.Stop(ctx, "a")
		s.Start(ctx, "a")
		benchWait(b, s, func(st Status) bool { return running(st) })
	}
}

// BenchmarkRestartAfterCrash measures the first restart after a kill -9 with the default 1 s
// backoff; ms-over-backoff is what MCP Tray adds to the deliberate delay.
func BenchmarkRestartAfterCrash(b *testing.B) {
	policy := DefaultBackoff
	policy.MaxFailures = 1 << 30 // measure restarts, not giving up
	s := New(Options{Backoff: policy})
	defer s.Shutdown()
	s.Apply([]Spec{{Name: "a", Command: fake}})
	var over time.Duration
	for b.Loop() {
		b.StopTimer()
		s.Restart(context.Background(), "a") // forget earlier crashes: measure a first restart
		st := benchWait(b, s, running)
		b.StartTimer()
		t0 := time.Now()
		syscall.Kill(st.Pid, syscall.SIGKILL)
		pid := st.Pid
		st = benchWait(b, s, func(x Status) bool { return running(x) && x.Pid != pid })
		over += time.Since(t0) - policy.Initial
	}
	b.ReportMetric(float64(over.Microseconds())/1000/float64(b.N), "ms-over-backoff")
}

// BenchmarkStopWellBehaved stops a server that exits when its stdin closes (first rung).
func BenchmarkStopWellBehaved(b *testing.B) { benchStop(b, nil) }

// BenchmarkStopIgnoresSIGTERM stops a server (with a grandchild) that ignores stdin closing
// and SIGTERM, so only SIGKILL ends it: bounded by DefaultLadder's 2 s + 3 s waits.
func BenchmarkStopIgnoresSIGTERM(b *testing.B) {
	benchStop(b, []string{"-ignore-term", "-grandchild", b.TempDir() + "/gc.pid"})
}

func benchStop(b *testing.B, args []string) {
	s := New(Options{})
	defer s.Shutdown()
	ctx := context.Background()
	s.Apply([]Spec{{Name: "a", Command: fake, Args: args}})
	benchWait(b, s, running)
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		s.Start(ctx, "a")
		benchWait(b, s, running)
		b.StartTimer()
		t0 := time.Now()
		s.Stop(ctx, "a")
		total += time.Since(t0)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/stop")
}

// BenchmarkTakeSpare measures handing the warm spare to a client connection.
func BenchmarkTakeSpare(b *testing.B) {
	s := New(Options{})
	defer s.Shutdown()
	ctx := context.Background()
	s.Apply([]Spec{{Name: "a", Command: fake}})
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		benchWait(b, s, running)
		b.StartTimer()
		t0 := time.Now()
		p, err := s.Take(ctx, "a")
		total += time.Since(t0)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		p.Stop()
		b.StartTimer()
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N), "µs/take")
}

func benchWait(b *testing.B, s *Supervisor, ok func(Status) bool) Status {
	b.Helper()
	snap, ch, cancel := s.Subscribe()
	defer cancel()
	for _, st := range snap {
		if ok(st) {
			return st
		}
	}
	timeout := time.After(30 * time.Second)
	for {
		select {
		case st := <-ch:
			if ok(st) {
				return st
			}
		case <-timeout:
			b.Fatalf("timed out; status %+v", s.Status())
		}
	}
}
