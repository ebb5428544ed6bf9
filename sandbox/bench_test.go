//go:build linux

package sandbox

import (
	"bufio"
	"os"
	"os/exec"
	"testing"
	"time"
)

// BenchmarkSpawnToReady measures how long a server takes from spawn to its first line,
// unconfined and confined (helper, namespaces, Landlock, exec), with this test binary as the
// helper and, when $MCPTRAY_BIN names it, the product binary. The difference is what the
// sandbox adds to every server start; the target is under 5 ms.
func BenchmarkSpawnToReady(b *testing.B) {
	home := b.TempDir()
	spec := Spec{Write: []string{home + "/notes"}}
	r := spec.Rules(Context{Home: home, AppHome: home + "/app", State: home + "/app/servers/probe",
		Temp: home + "/tmp", Command: probePath, Path: os.Getenv("PATH")})
	if st := Check(); !st.Supported() {
		b.Fatalf("this machine cannot confine servers fully, so the sandbox cannot be measured here: %s", st.Gaps())
	}
	helpers := []struct {
		name, path string
	}{{"unconfined", ""}, {"confined", ""}}
	if p := os.Getenv("MCPTRAY_BIN"); p != "" {
		// The product binary as the helper: what a person's server start pays.
		helpers = append(helpers, struct{ name, path string }{"confined-by-mcptray", p})
	}
	for _, h := range helpers {
		confined := h.name != "unconfined"
		b.Run(h.name, func(b *testing.B) {
			if h.path != "" {
				executable = func() (string, error) { return h.path, nil }
				defer func() { executable = os.Executable }()
			}
			var total time.Duration
			for b.Loop() {
				cmd := exec.Command(probePath, "-ready")
				if confined {
					if err := Wrap(cmd, r); err != nil {
						b.Fatal(err)
					}
				}
				stdin, _ := cmd.StdinPipe()
				stdout, _ := cmd.StdoutPipe()
				start := time.Now()
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				stdin.Close()
				cmd.Wait()
			}
			b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "ms-to-ready")
		})
	}
}
