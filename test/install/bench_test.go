package install

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
)

// BenchmarkInstallFilesystem measures `mcptray install filesystem DIR` with MCP Tray running,
// from the command's start to its exit, which is when the server has listed its tools through
// MCP Tray: with npm's cache warm (the package was fetched before) and cold (a fresh, empty
// npm cache: npx downloads the package and its dependencies). The peer in the same run is
// the direct path: the official TypeScript SDK client starting the same npx command itself
// and listing its tools, with the warm cache.
func BenchmarkInstallFilesystem(b *testing.B) {
	testbin.NeedNpx(b)
	warm := testbin.NpmCache()
	prime := newUser(b, "off", warm)
	if out, errs, code := prime.RunInput("", "install", "filesystem", "--set", "allowed_directory="+prime.Dir); code != 0 {
		b.Fatalf("priming the npm cache: exit %d\n%s%s", code, out, errs)
	}
	stopDaemon(b, prime)

	installOnce := func(b *testing.B, cache string) {
		b.StopTimer()
		u := newUser(b, "off", cache)
		u.Daemon()
		b.StartTimer()
		start := time.Now()
		out, errs, code := u.RunInput("", "install", "filesystem", "--set", "allowed_directory="+u.Dir)
		took := time.Since(start)
		b.StopTimer()
		if code != 0 || !strings.Contains(out, "installed and works") {
			b.Fatalf("install filesystem: exit %d\n%s%s", code, out, errs)
		}
		b.ReportMetric(took.Seconds(), "s/install")
		stopDaemon(b, u)
		b.StartTimer()
	}
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			installOnce(b, warm)
		}
	})
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			cold := b.TempDir()
			b.StartTimer()
			installOnce(b, filepath.Join(cold, "npm-cache"))
		}
	})
	b.Run("direct-npx-warm", func(b *testing.B) {
		testbin.NeedNode(b, "@modelcontextprotocol/sdk")
		ver := testbin.Pinned(b, "filesystem")
		dir := b.TempDir()
		for b.Loop() {
			start := time.Now()
			cmd := exec.Command("node", filepath.Join(testbin.NodeDir(), "client.mjs"), "tools", "--",
				"npx", "-y", "@modelcontextprotocol/server-filesystem@"+ver, dir)
			cmd.Env = append(os.Environ(), "npm_config_cache="+warm, "npm_config_update_notifier=false", "HOME="+dir)
			if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "list_directory") {
				b.Fatalf("direct npx: %v\n%s", err, out)
			}
			b.ReportMetric(time.Since(start).Seconds(), "s/install")
		}
	})
}
