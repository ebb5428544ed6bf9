package e2e

import (
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// BenchmarkToolCallLatencyConfined: the relay latency of the same fake server, unconfined
// and in its sandbox (network off), through `mcptray connect`, interleaved call by call. No
// change is expected: the confined server is the same process on the same pipes.
func BenchmarkToolCallLatencyConfined(b *testing.B) {
	u := testbin.NewBenchUser(b)
	u.OK("server", "add", "open", "--", fake)
	u.OK("server", "add", "boxed", "--", fake)
	u.OK("server", "sandbox", "boxed", "--network", "off")
	for _, name := range []string{"open", "boxed"} {
		u.OK("policy", "trust", name) // relay mechanics, not approvals, are under test
	}
	u.Daemon()
	u.WaitRunning("open")
	u.WaitRunning("boxed")
	for b.Loop() {
		c, _ := bridge(b, u, "open")
		cb, _ := bridge(b, u, "boxed")
		us := echoCallsInterleaved(b, 2000, 500, c, cb)
		open, boxed := us[0], us[1]
		b.ReportMetric(percentile(open, 0.5), "unconfined-p50-µs")
		b.ReportMetric(percentile(boxed, 0.5), "confined-p50-µs")
		b.ReportMetric(percentile(boxed, 0.5)-percentile(open, 0.5), "added-p50-µs")
	}
}
