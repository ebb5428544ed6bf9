package daemon

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/supervisor"
)

// BenchmarkSpareStartWithFiveSecrets: restart to running for a server with five secrets in the
// real Secret Service, next to the same server with none: first when the keychain is read
// (the first spawn, and after a secret changes), then the usual respawn from memory.
func BenchmarkSpareStartWithFiveSecrets(b *testing.B) {
	if os.Getenv("MCPTRAY_TEST_ISOLATED_KEYRING") != "1" {
		b.Fatal("needs the private Secret Service that `make bench` starts")
	}
	keys := keychain.System(keychain.Options{})
	ctx := context.Background()
	var names []string
	for i := range 5 {
		k := fmt.Sprintf("BENCH_SECRET_%d", i)
		names = append(names, k)
		if err := keys.Set(ctx, "bench", k, fmt.Sprintf("value-%d-abcdefgh", i)); err != nil {
			b.Fatal(err)
		}
	}
	home := config.Home(filepath.Join(b.TempDir(), "home"))
	home.Update(func(c *config.Config) error {
		c.Servers["bench"] = &config.Server{Command: fake, Secrets: names}
		c.Servers["plain"] = &config.Server{Command: fake}
		return nil
	})
	d, err := New(Options{Home: home, Keys: keys})
	if err != nil {
		b.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	defer func() { cancel(); <-done }()
	restart := func(name string) time.Duration {
		_, ch, stop := d.sup.Subscribe()
		defer stop()
		t0 := time.Now()
		d.sup.Restart(ctx, name)
		for st := range ch {
			if st.Name == name && st.State == supervisor.Running && st.Pid > 0 {
				break
			}
		}
		return time.Since(t0)
	}
	restart("bench")
	restart("plain")
	var fromKeychain, cached, without time.Duration
	for b.Loop() {
		d.secrets.Forget("bench") // as after `mcptray secret set`
		fromKeychain += restart("bench")
		cached += restart("bench")
		without += restart("plain")
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(ms(fromKeychain), "ms-reading-5-secrets")
	b.ReportMetric(ms(cached), "ms-respawn-with-secrets")
	b.ReportMetric(ms(without), "ms-without-secrets")
}
