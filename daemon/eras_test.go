package daemon

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/gateway"
)

// A server's era is remembered once a session found it out, per daemon, and forgotten when a
// session finds the memory wrong.
func TestServerErasAreRemembered(t *testing.T) {
	d, other := &Daemon{}, &Daemon{}
	var opts gateway.Options
	d.eraOptions("modern", &opts)
	if opts.ServerEra != gateway.EraUnknown || opts.Hooks.Era == nil {
		t.Fatalf("a server never seen: era %q, hook set %v", opts.ServerEra, opts.Hooks.Era != nil)
	}
	opts.Hooks.Era(&gateway.Session{Server: "modern"}, gateway.EraModern)
	d.eraOptions("modern", &opts)
	if opts.ServerEra != gateway.EraModern {
		t.Errorf("remembered %q; want modern", opts.ServerEra)
	}
	other.eraOptions("modern", &opts)
	if opts.ServerEra != gateway.EraUnknown {
		t.Errorf("another daemon knew %q", opts.ServerEra)
	}
	d.eras.learned(&gateway.Session{Server: "modern"}, gateway.EraUnknown)
	d.eraOptions("modern", &opts)
	if opts.ServerEra != gateway.EraUnknown {
		t.Errorf("after the memory was found wrong: %q", opts.ServerEra)
	}
}

// The install probe speaks initialize; a server that speaks only 2026-07-28 has its tools
// listed all the same, now through the relay's bridge between the eras (the probe also asks
// such a server for its tools directly when initialize is refused, so this test passes with
// or without the bridge: it checks that the bridge does not get in the probe's way).
func TestProbeListsAModernOnlyServersTools(t *testing.T) {
	modern := filepath.Join(t.TempDir(), "modern")
	build := exec.Command("go", "build", "-o", modern, "./test/shared/modern")
	build.Dir = ".."
	build.Env = append(build.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the modern-only server: %v\n%s", err, out)
	}
	h := start(t)
	h.add(t, "m", &config.Server{Command: modern})
	h.waitFor(t, "m runs", func(st api.StatusResult) bool {
		return len(st.Servers) == 1 && st.Servers[0].State.String() == "running"
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var res api.ToolsResult
	if err := callInto(ctx, h.client, api.Probe, api.ProbeParams{Server: "m"}, &res); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
	}
	if !slices.Contains(names, "echo") || !slices.Contains(names, "greet") {
		t.Errorf("probe listed %v; want the modern-only server's tools", names)
	}
}
