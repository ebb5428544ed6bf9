package main

import (
	"log/slog"
	"os"
	"runtime"

	"github.com/mcptray/mcptray/daemon"
	"github.com/spf13/cobra"
)

func newDaemonCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "daemon",
		Short: "Run MCP Tray without the tray icon (for servers, terminals and tests)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return runDaemonForeground(e) },
	}
}

// oneThread runs the process's goroutines on one thread at a time (GOMAXPROCS=1) unless the
// person set GOMAXPROCS. The daemon relays: it waits far more than it computes. With one P,
// the thread that finds a pipe readable runs the goroutine waiting on it, instead of waking
// a second thread to run it (a cross-CPU wake-up, tens of µs in a virtual machine).
// Measured with the TypeScript SDK client in alternating runs on a 2-core VM: about 20 µs
// less median added latency per tool call (noisy), the same throughput with 16 sessions
// (test/e2e BenchmarkToolCallLatency, BenchmarkThroughput16Sessions).
func oneThread() {
	if os.Getenv("GOMAXPROCS") == "" {
		runtime.GOMAXPROCS(1)
	}
}

// newDaemon builds the daemon for e's home with the production wiring; the process then runs
// on one thread at a time (oneThread).
func newDaemon(e *env, onShow func()) (*daemon.Daemon, error) {
	oneThread()
	return daemon.New(daemon.Options{
		Home:    e.home,
		Version: version,
		Log:     slog.New(slog.NewTextHandler(e.stderr, nil)),
		OnShow:  onShow,
		Keys:    e.keys(),
	})
}
