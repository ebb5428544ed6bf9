package clients

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// bigFileSize is the size of the generated ~/.claude.json the large-file benchmarks edit:
// the issue measured 92 MB on a real machine.
var bigFileSize = 100 << 20

// BenchmarkEditClaudeJSON100MB is the edit of a 100 MB ~/.claude.json in memory: parse,
// reconcile, verify, render. It reports the bytes allocated per edit against the file's size.
func BenchmarkEditClaudeJSON100MB(b *testing.B) {
	src := bigClaudeJSON(bigFileSize, 1)
	c := mustClientB(b, "claude-code")
	want := goldenWant("")
	b.SetBytes(int64(len(src)))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := 0
	for b.Loop() {
		n++
		if _, _, err := editBytes(c, "config", src, "", func(d document) (Result, error) { return reconcile(d, want) }); err != nil {
			b.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/float64(len(src)), "alloc-x-file")
}

// BenchmarkApplyClaudeJSON100MB is Apply on a 100 MB ~/.claude.json on disk, as the daemon
// runs it: read, edit, verify, re-read, back up, write atomically. Each op alternates the
// mcptray path so that every op really writes.
func BenchmarkApplyClaudeJSON100MB(b *testing.B) {
	home := b.TempDir()
	path := filepath.Join(home, ".claude.json")
	writeFileB(b, path, bigClaudeJSON(bigFileSize, 1))
	c := mustClientB(b, "claude-code")
	opts := ApplyOptions{Backups: BackupDir(filepath.Join(home, "backups"))}
	wants := [2][]Entry{{NewEntry("/opt/a/mcptray", "github")}, {NewEntry("/opt/b/mcptray", "github")}}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n := 0
	for i := 0; b.Loop(); i++ {
		n++
		res, err := Apply(c, path, wants[i%2], opts)
		if err != nil || !res.Changed {
			b.Fatalf("%+v, %v", res, err)
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/float64(bigFileSize), "alloc-x-file")
}

// BenchmarkClaudeJSON100MBPeakRSS reports the peak resident memory of a process that edits a
// 100 MB ~/.claude.json once, against the file's size (the target is under 2×): "edit" reads
// the file and runs the edit (parse, reconcile, check, render), as Apply does before writing;
// "apply" is the whole Apply, backup included. Each op is a fresh process (this test binary
// re-run as TestBigFileChild), so the peak is the edit's own and not an earlier one's.
func BenchmarkClaudeJSON100MBPeakRSS(b *testing.B) {
	if _, err := os.Stat("/proc/self/status"); err != nil {
		b.Skip("the peak is read from /proc/self/status, which this system does not have")
	}
	dir := b.TempDir()
	path := filepath.Join(dir, ".claude.json")
	writeFileB(b, path, bigClaudeJSON(bigFileSize, 1))
	for _, mode := range []string{"edit", "apply"} {
		b.Run(mode, func(b *testing.B) {
			var peak, ms float64
			n := 0
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run", "^TestBigFileChild$")
				cmd.Env = append(os.Environ(), "MCPTRAY_BIG_FILE="+path, "MCPTRAY_BIG_MODE="+mode)
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
				var rss, took float64
				if _, err := fmt.Sscanf(string(out[bytes.Index(out, []byte("maxrss-kB ")):]), "maxrss-kB %g ms %g", &rss, &took); err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
				peak, ms, n = max(peak, rss*1024), ms+took, n+1
				b.Logf("%s", bytes.TrimSpace(out[bytes.Index(out, []byte("maxrss-kB ")):]))
			}
			b.ReportMetric(peak/float64(bigFileSize), "peak-rss-x-file")
			b.ReportMetric(ms/float64(n), "ms-in-child")
		})
	}
}

// TestBigFileChild is BenchmarkClaudeJSON100MBPeakRSS's child; it does nothing in a normal run.
func TestBigFileChild(t *testing.T) {
	path := os.Getenv("MCPTRAY_BIG_FILE")
	if path == "" {
		return
	}
	c := mustClientT(t, "claude-code")
	start := time.Now()
	switch os.Getenv("MCPTRAY_BIG_MODE") {
	case "edit":
		src, _, err := readFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := editParts(c, path, src, true, nil, "", func(d document) (Result, error) { return reconcile(d, goldenWant("")) }); err != nil {
			t.Fatal(err)
		}
	case "apply":
		opts := ApplyOptions{Backups: BackupDir(filepath.Join(filepath.Dir(path), "backups"))}
		want := []Entry{NewEntry(fmt.Sprintf("/opt/%d/mcptray", time.Now().UnixNano()), "github")}
		if _, err := Apply(c, path, want, opts); err != nil {
			t.Fatal(err)
		}
	}
	took := time.Since(start)
	// VmHWM, not getrusage's ru_maxrss: after exec, Linux reports in ru_maxrss the peak of the
	// memory the process had before (the parent's, shared by vfork).
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status on this system")
	}
	var hwm int
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Sscanf(strings.TrimSpace(v), "%d", &hwm)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("maxrss-kB %d ms %.1f heap-sys-MB %d total-alloc-MB %d\n", hwm, float64(took.Microseconds())/1000, ms.HeapSys>>20, ms.TotalAlloc>>20)
}

// BenchmarkBackupScanClaudeJSON100MB is the backup's credential scan of a 100 MB
// ~/.claude.json (cleanCopy): with a lastSessionId per project as Claude Code writes them
// (none of them a credential), and with a token in a server's env and pasted into a prompt
// (found, kept in the keychain, replaced by a marker in one pass).
func BenchmarkBackupScanClaudeJSON100MB(b *testing.B) {
	c := mustClientB(b, "claude-code")
	token := "ghp_" + strings.Repeat("Zq7", 12)
	withToken := func() []byte {
		src := bytes.Replace(bigClaudeJSON(bigFileSize, 1), []byte(`"env": {}`), []byte(`"env": {"GITHUB_TOKEN": "`+token+`"}`), 1)
		return bytes.Replace(src, []byte(`"display": "`), []byte(`"display": "my token is `+token+` `), 1)
	}
	for _, tc := range []struct {
		name  string
		src   func() []byte
		creds int
	}{
		{"sessionIDs", func() []byte { return bigClaudeJSON(bigFileSize, 1, true) }, 0},
		{"token", withToken, 1},
	} {
		b.Run(tc.name, func(b *testing.B) {
			src := tc.src() // one 100 MB file in memory at a time
			b.SetBytes(int64(len(src)))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			n := 0
			for b.Loop() {
				n++
				out, err := cleanCopy(c, src)
				if err != nil {
					b.Fatal(err)
				}
				if got := bytes.Count(out, []byte(backupMarkerPrefix)); got != 2*tc.creds || bytes.Contains(out, []byte(token)) {
					b.Fatalf("%d markers, token left: %t", got, bytes.Contains(out, []byte(token)))
				}
			}
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(n)/float64(len(src)), "alloc-x-file")
		})
	}
}
