package installer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/remote"
)

// remoteDoc is a registry server.json for a server that runs on the internet at url,
// reached with a secret X-Api-Key header.
func remoteDoc(name, url string) string {
	return fmt.Sprintf(`{"name":%q,"description":"A server on the internet.","version":"1.0.0","remotes":[{"type":"streamable-http","url":%q,
		"headers":[{"name":"X-Api-Key","description":"Your API key","isRequired":true,"isSecret":true},{"name":"X-Region","value":"eu"}]}]}`, name, url)
}

const remoteKey = "sk-remote-install-3e9f0a"

func TestInstallRemoteEntrySavesARemoteServer(t *testing.T) {
	in, rt, h := setupHostile(t, "")
	keys := in.Keys
	h.Serve("io.github.acme/weather", remoteDoc("io.github.acme/weather", "https://mcp.acme.example/mcp"))
	lines, err := collect(t, context.Background(), in, Request{ID: "io.github.acme/weather", Values: map[string]string{"X-Api-Key": remoteKey}})
	if err != nil {
		t.Fatalf("install: %v\n%+v", err, lines)
	}
	want := []Step{StepChecking, StepSaving, StepStarting, StepListing, StepDone}
	if diff := cmp.Diff(want, steps(lines)); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	if !strings.Contains(lines[2].Message, "mcp.acme.example") {
		t.Errorf("the starting line does not name the host: %q", lines[2].Message)
	}
	for _, l := range lines {
		if strings.Contains(l.Message, remoteKey) {
			t.Errorf("a progress line shows the key: %q", l.Message)
		}
	}
	s := load(t, in).Servers["weather"]
	if s == nil {
		t.Fatal("no server weather in config.json")
	}
	if s.Command != "" || s.URL != "https://mcp.acme.example/mcp" || s.Transport != "http" ||
		!cmp.Equal(s.Headers, map[string]string{"X-Api-Key": "${secret:X_API_KEY}", "X-Region": "eu"}) ||
		!cmp.Equal(s.Secrets, []string{"X_API_KEY"}) || s.Source == nil || s.Source.Catalog != "io.github.acme/weather" {
		t.Fatalf("config.json server: %+v", s)
	}
	if v, err := keys.Get(context.Background(), "weather", "X_API_KEY"); err != nil || v != remoteKey {
		t.Errorf("keychain: %q, %v", v, err)
	}
	if diff := cmp.Diff([]string{"weather"}, rt.probes); diff != "" {
		t.Errorf("probes (-want +got):\n%s", diff)
	}
}

// TestFailedRemoteInstallIsUndone: a remote server that does not answer is not installed:
// no server and no header secret are left behind.
func TestFailedRemoteInstallIsUndone(t *testing.T) {
	in, rt, h := setupHostile(t, "")
	rt.probe = func(context.Context, string) ([]string, error) {
		return nil, errors.New("MCP Tray could not reach the remote server at mcp.acme.example")
	}
	h.Serve("io.github.acme/weather", remoteDoc("io.github.acme/weather", "https://mcp.acme.example/mcp"))
	lines, err := collect(t, context.Background(), in, Request{ID: "io.github.acme/weather", Values: map[string]string{"X-Api-Key": remoteKey}, Clients: []string{"cursor"}})
	last := lines[len(lines)-1]
	if err == nil || last.Step != StepFailed || !strings.HasSuffix(last.Message, "Nothing was installed.") {
		t.Fatalf("install of an unreachable server: %v\n%+v", err, last)
	}
	if s := load(t, in).Servers; len(s) != 0 {
		t.Errorf("config.json keeps %v", s)
	}
	if _, err := in.Keys.Get(context.Background(), "weather", "X_API_KEY"); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("the header's secret is still in the keychain: %v", err)
	}
}

// TestRemoteInstallThatNeedsSignIn: a server that wants the person to sign in is installed
// (it is reachable), and the last line says how to sign in.
func TestRemoteInstallThatNeedsSignIn(t *testing.T) {
	in, rt, h := setupHostile(t, "")
	rt.probe = func(context.Context, string) ([]string, error) {
		return nil, fmt.Errorf("the server at mcp.acme.example %w", remote.ErrNeedsSignIn)
	}
	h.Serve("io.github.acme/weather", remoteDoc("io.github.acme/weather", "https://mcp.acme.example/mcp"))
	lines, err := collect(t, context.Background(), in, Request{ID: "io.github.acme/weather", Values: map[string]string{"X-Api-Key": remoteKey}, Clients: []string{"cursor"}})
	if err != nil {
		t.Fatalf("install of a server that needs sign-in failed: %v\n%+v", err, lines)
	}
	last := lines[len(lines)-1]
	if last.Step != StepDone || !strings.Contains(last.Message, "needs you to sign in") || !strings.Contains(last.Message, "mcptray server login weather") {
		t.Fatalf("last line: %+v", last)
	}
	c := load(t, in)
	if c.Servers["weather"] == nil || c.Clients["cursor"] == nil {
		t.Fatalf("the server or Cursor's binding is gone: %+v %+v", c.Servers, c.Clients)
	}
	if v, err := in.Keys.Get(context.Background(), "weather", "X_API_KEY"); err != nil || v != remoteKey {
		t.Errorf("keychain: %q, %v", v, err)
	}
	// A local server's probe error that merely mentions sign-in is still a failure.
	h.Serve("io.github.acme/local", npmDoc("io.github.acme/local", "local-srv", "1.0.0", ""))
	if _, err := collect(t, context.Background(), in, Request{ID: "io.github.acme/local"}); err == nil {
		t.Fatal("a local server whose probe failed was installed")
	}
}

// TestRemoteInstallRefusesUnsafeAddresses: plain http to another computer, and a transport
// MCP Tray does not know, are refused before anything is saved, as server add --url does.
func TestRemoteInstallRefusesUnsafeAddresses(t *testing.T) {
	in, rt, h := setupHostile(t, "")
	h.Serve("io.github.acme/plain", remoteDoc("io.github.acme/plain", "http://mcp.acme.example/mcp"))
	lines, err := collect(t, context.Background(), in, Request{ID: "io.github.acme/plain", Values: map[string]string{"X-Api-Key": remoteKey}})
	last := lines[len(lines)-1]
	if err == nil || last.Step != StepFailed || !strings.Contains(last.Message, "use https") {
		t.Fatalf("install over plain http: %v\n%+v", err, last)
	}
	if _, err := in.Plan(context.Background(), PlanParams{ID: "io.github.acme/plain", Values: map[string]string{"X-Api-Key": remoteKey}}); err == nil || !strings.Contains(err.Error(), "use https") {
		t.Errorf("plan over plain http: %v", err)
	}
	if s := load(t, in).Servers; len(s) != 0 || len(rt.probes) != 0 {
		t.Errorf("saved %v, probed %v", s, rt.probes)
	}
	if _, err := in.Keys.Get(context.Background(), "plain", "X_API_KEY"); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("the refused install kept a secret: %v", err)
	}
	// A plain header may not name a saved secret: what is sent where is the plan's to say.
	h.Serve("io.github.acme/echo", strings.Replace(remoteDoc("io.github.acme/echo", "https://mcp.acme.example/mcp"),
		`"value":"eu"`, `"value":"${secret:X_API_KEY}"`, 1))
	lines, err = collect(t, context.Background(), in, Request{ID: "io.github.acme/echo", Values: map[string]string{"X-Api-Key": remoteKey}})
	if last := lines[len(lines)-1]; err == nil || !strings.Contains(last.Message, "X-Region") {
		t.Fatalf("install of a header naming a secret: %v\n%+v", err, last)
	}
	if s := load(t, in).Servers; len(s) != 0 {
		t.Errorf("saved %v", s)
	}
}

// TestRemotePlanNamesWhereItGoes: the plan shows the address and headers (never the key),
// and its digest changes when the registry moves the server elsewhere.
func TestRemotePlanNamesWhereItGoes(t *testing.T) {
	in, _, h := setupHostile(t, "")
	h.Serve("io.github.acme/weather", remoteDoc("io.github.acme/weather", "https://mcp.acme.example/mcp"))
	v, err := in.Plan(context.Background(), PlanParams{ID: "io.github.acme/weather", Values: map[string]string{"X-Api-Key": remoteKey}})
	if err != nil {
		t.Fatal(err)
	}
	if v.URL != "https://mcp.acme.example/mcp" || v.Transport != "http" || v.Command != "" ||
		!cmp.Equal(v.Secrets, []string{"X_API_KEY"}) || v.Headers["X-Api-Key"] != "${secret:X_API_KEY}" {
		t.Fatalf("plan: %+v", v)
	}
	h.Serve("io.github.acme/weather", remoteDoc("io.github.acme/weather", "https://evil.example/mcp"))
	os.RemoveAll(in.Source.CacheDir()) // the cached answer expires meanwhile
	_, err = collect(t, context.Background(), in, Request{ID: "io.github.acme/weather", Values: map[string]string{"X-Api-Key": remoteKey}, Plan: v.Digest})
	if err == nil || !strings.Contains(err.Error(), "changed since you looked") {
		t.Fatalf("install of a moved server with the old plan: %v", err)
	}
	if s := load(t, in).Servers; len(s) != 0 {
		t.Fatalf("a server was saved: %+v", s)
	}
}

func TestViewsShowRemoteEntries(t *testing.T) {
	in, _, h := setupHostile(t, "")
	h.Serve("io.github.acme/weather", remoteDoc("io.github.acme/weather", "https://mcp.acme.example/mcp"))
	list, _, err := in.Source.Search(context.Background(), "weather")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Views(list, nil, func(string) error { return errors.New("nothing is installed") }) {
		if v.ID != "io.github.acme/weather" {
			continue
		}
		if v.Needs != "Runs on the internet at mcp.acme.example; needs a key: X-Api-Key" || v.RemoteHost != "mcp.acme.example" ||
			v.RuntimeMissing != "" || len(v.Questions) != 1 || !v.Questions[0].Secret {
			t.Fatalf("view: %+v", v)
		}
		return
	}
	t.Fatal("the remote entry is not shown")
}

// TestRemoteInstallOnTheLocalNetworkNeedsAYes: a registry entry whose server is on the local
// network is refused, with one sentence saying so, until the person allows it; then the
// server may be reached there (allowPrivateNetwork), and only there.
func TestRemoteInstallOnTheLocalNetworkNeedsAYes(t *testing.T) {
	in, rt, h := setupHostile(t, "")
	h.Serve("io.github.acme/nas", remoteDoc("io.github.acme/nas", "https://10.0.0.5/mcp"))
	req := Request{ID: "io.github.acme/nas", Values: map[string]string{"X-Api-Key": remoteKey}}
	lines, err := collect(t, context.Background(), in, req)
	if last := lines[len(lines)-1]; err == nil || last.Step != StepFailed || !strings.Contains(last.Message, "a device on your local network, not to a server on the internet") {
		t.Fatalf("install without a yes: %v\n%+v", err, last)
	}
	if s := load(t, in).Servers; len(s) != 0 || len(rt.probes) != 0 {
		t.Fatalf("saved %v, probed %v", s, rt.probes)
	}
	req.Allow = []string{catalog.HazardLocalNetwork}
	if _, err := collect(t, context.Background(), in, req); err != nil {
		t.Fatalf("install with a yes: %v", err)
	}
	if s := load(t, in).Servers["nas"]; s == nil || !s.AllowPrivateNetwork || !slices.Equal(s.Allowed, req.Allow) {
		t.Fatalf("saved server: %+v", s)
	}
}
