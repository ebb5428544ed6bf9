package daemon

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
		d.secrets.forget("bench") // as after `mcptray secret set`
		fromKeychain += restart("bench")
		cached += restart("bench")
		without += restart("plain")
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(ms(fromKeychain), "ms-reading-5-secrets")
	b.ReportMetric(ms(cached), "ms-respawn-with-secrets")
	b.ReportMetric(ms(without), "ms-without-secrets")
}

// bigClaudeCodeFile writes a ~/.claude.json of about size bytes for world w: the person's own
// server, and project history (long prompts with escapes and non-ASCII text) that MCP Tray
// never edits.
func bigClaudeCodeFile(b testing.TB, w *clientWorld, size int) string {
	var sb strings.Builder
	sb.Grow(size + 4096)
	sb.WriteString("{\n  \"numStartups\": 3,\n  \"mcpServers\": {\n    \"notes\": {\n      \"type\": \"stdio\",\n      \"command\": \"npx\",\n      \"args\": [\"-y\", \"notes\"]\n    }\n  },\n  \"projects\": {")
	prompt := strings.Repeat(`fix the \"parser\" in C:\\src — naïve 日本語 \u2028 then run the tests\n`, 30)
	for p := 0; sb.Len() < size; p++ {
		if p > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "\n    \"/home/x/src/project-%d\": {\n      \"history\": [{\"display\": \"%s\", \"pastedContents\": {}}],\n      \"mcpServers\": {}\n    }", p, prompt)
	}
	sb.WriteString("\n  }\n}\n")
	path := w.path("claude-code")
	write(b, path, sb.String())
	return path
}

// BenchmarkReconcileBigClaudeCodeFile: what a pass of the client reconciler costs when
// Claude Code is enabled and its ~/.claude.json is 100 MB. "pass-unchanged": a pass (config
// change, self-heal check) with the file as MCP Tray left it, known by stat; "pass-read": the
// same pass when stat cannot vouch for it (written in the last two seconds), so it is read,
// parsed and hashed; "status": the clients tab's status. Entries are in place before timing.
func BenchmarkReconcileBigClaudeCodeFile(b *testing.B) {
	w := newClientWorld(b, "claude-code")
	path := bigClaudeCodeFile(b, w, 100<<20)
	cfg := &config.Config{
		Servers: map[string]*config.Server{"a": {Command: "a"}},
		Clients: map[string]*config.ClientBinding{"claude-code": {Enabled: true}},
	}
	r := w.reconciler(ClientOptions{})
	r.Reconcile(cfg)
	if got := ours(b, "claude-code", path); len(got) != 1 {
		b.Fatalf("MCP Tray's entries after the first pass: %v", got)
	}
	old := time.Now().Add(-time.Hour)
	b.Run("pass-unchanged", func(b *testing.B) {
		if err := os.Chtimes(path, old, old); err != nil {
			b.Fatal(err)
		}
		r.Reconcile(cfg) // reads it once, and stamps it
		for b.Loop() {
			r.Reconcile(cfg)
		}
	})
	b.Run("pass-read", func(b *testing.B) {
		for b.Loop() {
			now := time.Now()
			if err := os.Chtimes(path, now, now); err != nil {
				b.Fatal(err)
			}
			r.Reconcile(cfg)
		}
	})
	b.Run("status", func(b *testing.B) {
		if err := os.Chtimes(path, old, old); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if st := r.Status(cfg); len(st.Clients) == 0 {
				b.Fatal("no client in the status")
			}
		}
	})
}

// TestFileStampTellsAWrittenFile: stat vouches for a client file only when it is the same
// file, of the same size and time, and that time was well before the stamp; a file written in
// the same tick as its stamp, or replaced by another with the same size and time, is read.
func TestFileStampTellsAWrittenFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.json")
	write(t, path, `{"a": 1}`)
	if stampOf(path).unchanged(path) {
		t.Error("a file written just now was trusted by stat")
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	s := stampOf(path)
	if !s.unchanged(path) {
		t.Error("an old file not written since was not trusted by stat")
	}
	// A file rewritten in place with the same size and time is what stat cannot tell, by
	// design (as make and git): what it must tell is a replaced file and a size change.
	other := filepath.Join(dir, "g.json")
	write(t, other, `{"c": 3}`)
	if err := os.Chtimes(other, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	if s.unchanged(path) {
		t.Error("a file replaced by a rename (as clients save) was trusted by stat")
	}
	s = stampOf(path)
	write(t, path, `{"c": 33}`)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	if s.unchanged(path) {
		t.Error("a file whose size changed was trusted by stat")
	}
	if (fileStamp{}).unchanged(path) {
		t.Error("no stamp was trusted")
	}
}
