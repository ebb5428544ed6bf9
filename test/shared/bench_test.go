package shared

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
)

// rssKB returns a process's resident memory in kB (Linux).
func rssKB(pid int) int {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}

// fiveServersThreeClients runs five server-everything servers in mode with three TypeScript
// SDK clients connected to each (as Claude Desktop, Cursor and VS Code would be), and returns
// how many server processes run then and their total resident memory in MB. Session mode
// counts the warm spare each server keeps ready: the person pays for it too.
func fiveServersThreeClients(b *testing.B, mode string) (procs int, mb float64) {
	needNode(b)
	u := testbin.NewBenchUser(b)
	names := []string{"s1", "s2", "s3", "s4", "s5"}
	for _, n := range names {
		u.OK("server", "add", n, "--mode", mode, "--", "node", everythingJS, "stdio")
		u.OK("policy", "trust", n)
	}
	d := u.Daemon()
	var holds []*exec.Cmd
	var stdins []io.Closer
	for _, n := range names {
		u.WaitRunning(n)
		ready := filepath.Join(b.TempDir(), "ready")
		cmd := sharedScript(u, n, "hold", ready)
		in, _ := cmd.StdinPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		holds, stdins = append(holds, cmd), append(stdins, in)
		waitFile(b, ready, time.Minute)
	}
	defer func() {
		for i, cmd := range holds {
			stdins[i].Close()
			cmd.Wait()
		}
	}()
	if mode == "session" {
		for _, n := range names {
			u.Eventually(n+"'s new warm spare runs", func() bool { return u.State(n).Pid != 0 })
		}
	}
	pids := serverProcesses(d.Process.Pid, "server-everything")
	kb := 0
	for _, pid := range pids {
		kb += rssKB(pid)
	}
	return len(pids), float64(kb) / 1024
}

// BenchmarkSharedModeMemory: three clients on each of five Node servers, session mode vs
// shared mode, side by side. Target: shared mode uses ≤ 40 % of session mode's memory.
func BenchmarkSharedModeMemory(b *testing.B) {
	for b.Loop() {
		sp, smb := fiveServersThreeClients(b, "session")
		hp, hmb := fiveServersThreeClients(b, "shared")
		b.ReportMetric(float64(sp), "session-procs")
		b.ReportMetric(smb, "session-MB")
		b.ReportMetric(float64(hp), "shared-procs")
		b.ReportMetric(hmb, "shared-MB")
		b.ReportMetric(100*hmb/smb, "shared/session-%")
	}
}

func percentile(us []float64, p float64) float64 {
	s := slices.Clone(us)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkSharedModeLatencyAndThroughput: the same published server in session mode and in
// shared mode, three clients connected to each. Latency: one client's sequential echo calls;
// throughput: all three clients calling, 8 at a time each. Rounds alternate between the
// modes so that the machine's load weighs on both alike. Target: shared within 10 %.
func BenchmarkSharedModeLatencyAndThroughput(b *testing.B) {
	needNode(b)
	u := testbin.NewBenchUser(b)
	u.OK("server", "add", "session", "--", "node", everythingJS, "stdio")
	u.OK("server", "add", "shared", "--mode", "shared", "--", "node", everythingJS, "stdio")
	u.OK("policy", "trust", "session")
	u.OK("policy", "trust", "shared")
	u.Daemon()
	u.WaitRunning("session")
	u.WaitRunning("shared")
	latency := func(server string) []float64 {
		var us []float64
		threeClients(b, u, server, "latency", "300").get("us", &us)
		return us
	}
	throughput := func(server string) float64 {
		var cps float64
		threeClients(b, u, server, "throughput", "2").get("callsPerSecond", &cps)
		return cps
	}
	for b.Loop() {
		var sl, hl []float64
		var st, ht float64
		for range 3 {
			sl = append(sl, latency("session")...)
			hl = append(hl, latency("shared")...)
			st += throughput("session")
			ht += throughput("shared")
		}
		b.ReportMetric(percentile(sl, 0.5), "session-p50-µs")
		b.ReportMetric(percentile(hl, 0.5), "shared-p50-µs")
		b.ReportMetric(percentile(sl, 0.99), "session-p99-µs")
		b.ReportMetric(percentile(hl, 0.99), "shared-p99-µs")
		b.ReportMetric(100*(percentile(hl, 0.5)/percentile(sl, 0.5)-1), "p50-added-%")
		b.ReportMetric(st/3, "session-calls/s")
		b.ReportMetric(ht/3, "shared-calls/s")
		b.ReportMetric(100*(ht/st-1), "throughput-change-%")
	}
}
