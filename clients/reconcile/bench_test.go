package reconcile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// BenchmarkReconcileAllClients: one full pass over every client with a file on Linux (the
// ones set up by hand have none), installed in a temporary
// home, with 3 servers. "rewrite" moves the mcptray binary on each pass, so every file is
// re-read, backed up and written; "unchanged" is the pass that runs on every config.json
// save when nothing concerns the clients.
func BenchmarkReconcileAllClients(b *testing.B) {
	var ids []string
	for _, c := range clients.All() {
		if len(c.Paths(clients.Env{GOOS: "linux", Home: "/home/h"})) > 0 {
			ids = append(ids, c.ID())
		}
	}
	b.ReportMetric(float64(len(ids)), "clients")
	w := newClientWorld(b, ids...)
	mkdir(b, filepath.Join(w.Env.Home, ".claude"))
	if n := len(clients.Detect(w.Env)); n != len(ids) {
		b.Fatalf("%d clients detected, want %d", n, len(ids))
	}
	cfg := &config.Config{Servers: map[string]*config.Server{}, Clients: map[string]*config.ClientBinding{}}
	for _, s := range []string{"github", "memory", "filesystem"} {
		cfg.Servers[s] = &config.Server{Command: s}
	}
	for _, id := range ids {
		cfg.Clients[id] = &config.ClientBinding{Enabled: true}
	}
	rs := []*Reconciler{w.reconciler(Options{Binary: "/opt/a/mcptray"}), w.reconciler(Options{Binary: "/opt/b/mcptray"})}
	b.Run("rewrite", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			rs[i%2].Reconcile(cfg)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/pass")
	})
	b.Run("unchanged", func(b *testing.B) {
		rs[0].Reconcile(cfg)
		// As the files are a moment after MCP Tray wrote them: a file written within the last
		// two seconds is read again on every pass (racyWindow), so age them and let one pass
		// take their stamps.
		old := time.Now().Add(-time.Minute)
		for _, id := range ids {
			if err := os.Chtimes(w.Path(id), old, old); err != nil {
				b.Fatal(err)
			}
		}
		rs[0].Reconcile(cfg)
		for b.Loop() {
			rs[0].Reconcile(cfg)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/pass")
	})
	for _, id := range ids {
		if got := ours(b, id, w.Path(id)); len(got) != 3 {
			b.Errorf("%s holds %v", id, got)
		}
	}
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
	path := w.Path("claude-code")
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
	r := w.reconciler(Options{})
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
