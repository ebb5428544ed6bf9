//go:build !windows

package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchBin is the binary measured: $MCPTRAY_BIN (the real cgo build, as `make bench` sets
// it) or the test build.
func benchBin() string {
	if p := os.Getenv("MCPTRAY_BIN"); p != "" {
		return p
	}
	return bin
}

// BenchmarkDaemonIdleRSS10Servers starts `mcptray daemon` with 10 configured servers, waits
// until all run, lets it settle, and reports the daemon's resident memory (target ≤ 30 MB).
func BenchmarkDaemonIdleRSS10Servers(b *testing.B) {
	for b.Loop() {
		dir := b.TempDir()
		env := append(os.Environ(), "MCPTRAY_HOME="+dir+"/mcptray", "HOME="+dir)
		command := func(args ...string) *exec.Cmd {
			c := exec.Command(benchBin(), args...)
			c.Env = env
			return c
		}
		for i := range 10 {
			if out, err := command("server", "add", fmt.Sprintf("s%d", i), "--", fake).CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
		}
		cmd := command("daemon")
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			out, _ := command("server", "status").Output()
			if strings.Count(string(out), " running ") == 10 {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("servers never all ran:\n%s", out)
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(2 * time.Second) // idle: let start-up garbage be collected
		rss := rssKB(cmd.Process.Pid)
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		b.ReportMetric(float64(rss)/1024, "MB-rss")
	}
}

// rssKB reads VmRSS of pid from /proc (Linux).
func rssKB(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return n
		}
	}
	return -1
}
