package installer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// setup returns an installer on a fresh home (live registry off) with an in-memory keychain
// and a fake runtime, and the config.json content to start from ("" for none).
func setup(t *testing.T, cfg string) (*Installer, *fakeRuntime, keychain.Store) {
	t.Helper()
	home := config.Home(filepath.Join(t.TempDir(), "mcptray"))
	if err := home.Ensure(); err != nil {
		t.Fatal(err)
	}
	if cfg == "" {
		cfg = `{"servers": {}, "settings": {"registryURL": "off"}}`
	}
	if err := os.WriteFile(home.ConfigFile(), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	rt := &fakeRuntime{}
	keys := keychain.NewMemory()
	in := &Installer{Source: Source{Home: home}, Keys: keys, Runtime: rt, Resolve: func(string) error { return nil }}
	return in, rt, keys
}

// collect runs an install and returns its progress lines and error.
func collect(t *testing.T, ctx context.Context, in *Installer, req Request) ([]Progress, error) {
	t.Helper()
	var lines []Progress
	_, err := in.Install(ctx, req, func(p Progress) { lines = append(lines, p) })
	return lines, err
}

func steps(lines []Progress) []Step {
	var out []Step
	for _, l := range lines {
		out = append(out, l.Step)
	}
	return out
}

func load(t *testing.T, in *Installer) *config.Config {
	t.Helper()
	c, err := in.Source.Home.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestInstallStoresSecretAddsServerAndLetsClientsSeeIt(t *testing.T) {
	in, rt, keys := setup(t, "")
	lines, err := collect(t, context.Background(), in, Request{ID: "brave-search", Values: map[string]string{"BRAVE_API_KEY": "key-123"}, Clients: []string{"cursor"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []Step{StepChecking, StepSaving, StepStarting, StepListing, StepClients, StepDone}
	if diff := cmp.Diff(want, steps(lines)); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	last := lines[len(lines)-1]
	if diff := cmp.Diff([]string{"alpha", "beta"}, last.Tools); diff != "" || last.Server != "brave-search" {
		t.Errorf("done line %+v; tools (-want +got):\n%s", last, diff)
	}
	for _, l := range lines {
		if strings.Contains(l.Message, "key-123") {
			t.Errorf("a progress line shows the secret: %q", l.Message)
		}
	}
	if v, err := keys.Get(context.Background(), "brave-search", "BRAVE_API_KEY"); err != nil || v != "key-123" {
		t.Errorf("keychain: %q, %v", v, err)
	}
	c := load(t, in)
	s := c.Servers["brave-search"]
	if s == nil || s.Command != "npx" || !cmp.Equal(s.Secrets, []string{"BRAVE_API_KEY"}) || s.Env["BRAVE_API_KEY"] != "" {
		t.Fatalf("config.json server: %+v", s)
	}
	if b := c.Clients["cursor"]; b == nil || !b.Enabled || len(b.Servers) != 0 {
		t.Errorf("cursor binding: %+v", b)
	}
	if diff := cmp.Diff([][]string{{"cursor"}}, rt.synced); diff != "" {
		t.Errorf("client files written (-want +got):\n%s", diff)
	}
	if values, ok := sourceValues(s.Source); ok {
		t.Errorf("config.json records answers %v; a secret-only server has none to keep", values)
	}
}

// existing is a config.json with a server of the person's and Cursor limited to it.
const existing = `{"settings": {"registryURL": "off"},
 "servers": {"mine": {"command": "my-server"}},
 "clients": {"cursor": {"enabled": true, "servers": ["mine"]}}}`

func TestFailedInstallLeavesNothingBehind(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fail    func(rt *fakeRuntime)
		want    string
		applied bool
	}{
		{"server does not start", func(rt *fakeRuntime) {
			rt.probe = func(context.Context, string) ([]string, error) {
				return nil, errors.New("the server stopped before it listed its tools")
			}
			rt.logs = []string{"npm error code ETARGET", "npm error notarget No matching version found for x@9.9.9.", "npm error A complete log of this run can be found in: /x.log"}
		}, "Brave Search did not start: the server stopped before it listed its tools (it said: npm error notarget No matching version found for x@9.9.9). Nothing was installed.", true},
		{"client file cannot be written", func(rt *fakeRuntime) {
			rt.syncErr = errors.New("Cursor's settings could not be written: the disk is full")
		}, "Cursor's settings could not be written: the disk is full. Nothing was installed.", true},
		{"client file cannot be written or put back", func(rt *fakeRuntime) {
			rt.syncBad = errors.New("Cursor's settings could not be written: the disk is full")
		}, "Cursor's settings could not be written: the disk is full; an AI app's settings could not be put back either.", true},
		{"runtime missing", nil, "This server needs Node.js; install it from https://nodejs.org and try again.", false},
		{"name taken", nil, `There is already a server named "mine"; install this one under another name, for example mine-2.`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, rt, keys := setup(t, existing)
			req := Request{ID: "brave-search", Values: map[string]string{"BRAVE_API_KEY": "key-123"}, Clients: []string{"cursor"}}
			switch tc.name {
			case "runtime missing":
				in.Resolve = func(string) error { return errors.New("not found") }
			case "name taken":
				req.Name = "mine"
			default:
				tc.fail(rt)
			}
			before, _ := os.ReadFile(in.Source.Home.ConfigFile())
			lines, err := collect(t, context.Background(), in, req)
			last := lines[len(lines)-1]
			if err == nil || last.Step != StepFailed || last.Message != tc.want || err.Error() != tc.want {
				t.Fatalf("last line %+v, err %v; want failed with %q", last, err, tc.want)
			}
			after, _ := os.ReadFile(in.Source.Home.ConfigFile())
			c := load(t, in)
			if _, ok := c.Servers["brave-search"]; ok || len(c.Servers) != 1 {
				t.Errorf("servers after the failure: %v", c.ServerNames())
			}
			if b := c.Clients["cursor"]; b == nil || !cmp.Equal(b.Servers, []string{"mine"}) {
				t.Errorf("Cursor's binding after the failure: %+v; want it limited to mine as before", b)
			}
			if !tc.applied && string(before) != string(after) {
				t.Errorf("config.json was rewritten by an install that failed its checks:\n%s", after)
			}
			if _, err := keys.Get(context.Background(), "brave-search", "BRAVE_API_KEY"); !errors.Is(err, keychain.ErrNotFound) {
				t.Errorf("the secret is still in the keychain (err %v)", err)
			}
			if tc.applied && rt.applied < 2 {
				t.Errorf("the running MCP Tray was told %d times; want the removal applied too", rt.applied)
			}
		})
	}
}

func TestCancelledInstallIsTakenBack(t *testing.T) {
	in, rt, keys := setup(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	rt.probe = func(ctx context.Context, _ string) ([]string, error) {
		cancel() // the person closes the dialog while the server downloads
		<-ctx.Done()
		return nil, ctx.Err()
	}
	lines, err := collect(t, ctx, in, Request{ID: "brave-search", Values: map[string]string{"BRAVE_API_KEY": "k"}})
	if err == nil || lines[len(lines)-1].Step != StepFailed || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("cancelled install: %v, %+v", err, lines[len(lines)-1])
	}
	if c := load(t, in); len(c.Servers) != 0 {
		t.Errorf("servers after cancel: %v", c.ServerNames())
	}
	if _, err := keys.Get(context.Background(), "brave-search", "BRAVE_API_KEY"); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("the secret survived the cancel (err %v)", err)
	}
}

func TestInstallReportsDownloadsFromTheServerLog(t *testing.T) {
	in, rt, _ := setup(t, "")
	rt.logs = []string{"npm warn exec The following package was not found and will be installed: @modelcontextprotocol/server-filesystem@2026.8.31"}
	release := make(chan struct{})
	rt.probe = func(ctx context.Context, _ string) ([]string, error) {
		<-release
		return []string{"read_text_file"}, nil
	}
	dir := t.TempDir()
	var lines []Progress
	_, err := in.Install(context.Background(), Request{ID: "filesystem", Values: map[string]string{"allowed_directory": dir}},
		func(p Progress) {
			lines = append(lines, p)
			if p.Step == StepDownloading {
				close(release)
			}
		})
	if err != nil {
		t.Fatal(err)
	}
	want := []Step{StepChecking, StepSaving, StepStarting, StepListing, StepDownloading, StepDone}
	if diff := cmp.Diff(want, steps(lines)); diff != "" {
		t.Errorf("steps (-want +got):\n%s", diff)
	}
	if !strings.Contains(lines[4].Message, "Downloading Filesystem") {
		t.Errorf("downloading line: %q", lines[4].Message)
	}
	values, _ := sourceValues(load(t, in).Servers["filesystem"].Source)
	if diff := cmp.Diff(map[string]string{"allowed_directory": dir}, values); diff != "" {
		t.Errorf("answers kept for updates (-want +got):\n%s", diff)
	}
}

func TestInstallRefusesBadAnswersWithTheSetting(t *testing.T) {
	in, rt, _ := setup(t, "")
	for _, tc := range []struct {
		req  Request
		want string
	}{
		{Request{ID: "filesystem"}, "allowed_directory"},
		{Request{ID: "filesystem", Values: map[string]string{"allowed_directory": "relative"}}, "full path"},
		{Request{ID: "time", Values: map[string]string{"colour": "blue"}}, `"colour"`},
		{Request{ID: "time", Clients: []string{"no-such-app"}}, "claude-desktop"},
		{Request{ID: "no-such-entry"}, "mcptray catalog search"},
		{Request{ID: "time", Name: "bad name!"}, "cannot be a server name"},
	} {
		lines, err := collect(t, context.Background(), in, tc.req)
		if err == nil || !strings.Contains(err.Error(), tc.want) || lines[len(lines)-1].Step != StepFailed {
			t.Errorf("%+v: %v; want a failure naming %s", tc.req, err, tc.want)
		}
	}
	if rt.applied != 0 || len(load(t, in).Servers) != 0 {
		t.Errorf("refused installs changed something: applied %d", rt.applied)
	}
}

// A catalog entry's suggested timeout becomes the new server's timeout, which the person can
// change with `mcptray policy limit`; an entry without one leaves the server without limits.
func TestInstallKeepsTheCatalogsSuggestedTimeout(t *testing.T) {
	in, _, _ := setup(t, "")
	if _, err := collect(t, context.Background(), in, Request{ID: "fetch"}); err != nil {
		t.Fatal(err)
	}
	if _, err := collect(t, context.Background(), in, Request{ID: "time"}); err != nil {
		t.Fatal(err)
	}
	c := load(t, in)
	if diff := cmp.Diff([]config.Limit{{Timeout: "2m"}}, c.Servers["fetch"].Limits); diff != "" {
		t.Errorf("fetch's limits (-want +got):\n%s", diff)
	}
	if l := c.Servers["time"].Limits; len(l) != 0 {
		t.Errorf("time got limits %+v, but its catalog entry suggests none", l)
	}
}
