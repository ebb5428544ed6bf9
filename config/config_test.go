package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestMain(m *testing.M) {
	// Re-executed as a second writer by TestConcurrentUpdatesFromTwoProcesses.
	if home := os.Getenv("CONFIG_TEST_WRITER_HOME"); home != "" {
		prefix := os.Getenv("CONFIG_TEST_WRITER_PREFIX")
		for i := range 25 {
			err := Home(home).Update(func(c *Config) error {
				c.Servers[fmt.Sprintf("%s%d", prefix, i)] = &Server{Command: "true"}
				return nil
			})
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestRoundTripKeepsUnknownFields(t *testing.T) {
	h := Home(t.TempDir())
	in := `{
  "servers": {
    "github": {"command": "npx", "args": ["-y", "x@1.0.0"], "futureField": {"a": [1, 2]}, "policy": {"trust": true, "later": 1}},
    "fs": {"command": "node", "kube": {"context": "dev", "namespace": "x"}}
  },
  "clients": {"cursor": {"enabled": true, "extra": "kept"}},
  "settings": {"approvalTimeoutSeconds": 30, "theme": "dark"},
  "topLevelUnknown": "still here"
}`
	if err := os.WriteFile(h.ConfigFile(), []byte(in), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := h.Update(func(c *Config) error {
		c.Servers["new"] = &Server{Command: "uvx"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	out, _ := os.ReadFile(h.ConfigFile())
	for _, want := range []string{`"futureField"`, `"later": 1`, `"namespace": "x"`, `"extra": "kept"`, `"theme": "dark"`, `"topLevelUnknown": "still here"`, `"new"`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("saved config lost %s:\n%s", want, out)
		}
	}
	c, err := h.Load()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"-y", "x@1.0.0"}, c.Servers["github"].Args); diff != "" {
		t.Error(diff)
	}
	if !c.Servers["github"].Policy.Trust || c.Settings.ApprovalTimeoutSeconds != 30 {
		t.Errorf("known fields not read back: %+v", c)
	}
}

func TestSavedFilePermissions(t *testing.T) {
	h := Home(filepath.Join(t.TempDir(), "home"))
	if err := h.Update(func(c *Config) error { c.Servers["a"] = &Server{Command: "x"}; return nil }); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{string(h): 0o700, h.ConfigFile(): 0o600, h.LogDir(): 0o700} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s has mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
}

func TestCorruptFileIsNeverOverwritten(t *testing.T) {
	cases := map[string]struct {
		content  string
		wantLine int
		wantText string
	}{
		"syntax":       {"{\n  \"servers\": {\n    \"a\": {\"command\": \"x\",}\n  }\n}\n", 3, "not valid JSON"},
		"type":         {"{\n  \"servers\": {\n    \"a\": {\n      \"command\": \"x\",\n      \"args\": \"oops\"\n    }\n  }\n}\n", 5, "servers.a.args should be a list of texts"},
		"invalid mode": {"{\n  \"servers\": {\n    \"a\": {\"command\": \"x\", \"mode\": \"turbo\"}\n  }\n}\n", 3, `servers.a.mode is "turbo"`},
		"no command":   {"{\n  \"servers\": {\n\n    \"b\": {}\n  }\n}\n", 4, "servers.b.command is missing"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			h := Home(t.TempDir())
			os.WriteFile(h.ConfigFile(), []byte(tc.content), 0o600)
			err := h.Update(func(c *Config) error { c.Servers["z"] = &Server{Command: "y"}; return nil })
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Update on a broken file returned %v, want a *FileError", err)
			}
			if fe.Line != tc.wantLine || !strings.Contains(fe.Msg, tc.wantText) {
				t.Errorf("error = %q (line %d), want line %d mentioning %q", err, fe.Line, tc.wantLine, tc.wantText)
			}
			if got, _ := os.ReadFile(h.ConfigFile()); string(got) != tc.content {
				t.Errorf("the broken file was changed:\n%s", got)
			}
		})
	}
}

func TestValidationNamesTheField(t *testing.T) {
	cases := []struct {
		s    *Server
		name string
		want string
	}{
		{&Server{Command: "x", Env: map[string]string{"BAD-KEY": "1"}}, "a", `servers.a.env has "BAD-KEY"`},
		{&Server{Command: "x", Secrets: []string{"T", "T"}}, "a", `servers.a.secrets lists "T" twice`},
		{&Server{Command: "x", Secrets: []string{"T"}, Env: map[string]string{"T": "v"}}, "a", `servers.a.env sets "T", which is also a secret`},
		{&Server{Command: "x", Policy: &Policy{Tools: map[string]Rule{"rm": "maybe"}}}, "a", `servers.a.policy.tools.rm is "maybe"`},
		{&Server{Command: "x"}, "bad name", `servers.bad name is not a usable server name`},
	}
	for _, tc := range cases {
		c := &Config{Servers: map[string]*Server{tc.name: tc.s}}
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate() = %v, want it to say %q", err, tc.want)
		}
	}
	c := &Config{Servers: map[string]*Server{"a": {Command: "x"}}, Clients: map[string]*ClientBinding{"cursor": {Servers: []string{"nope"}}}}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `clients.cursor.servers names "nope"`) {
		t.Errorf("Validate() = %v, want it to name the unknown server", err)
	}
}

func TestMissingAndEmptyFilesAreEmptyConfigs(t *testing.T) {
	h := Home(t.TempDir())
	for _, content := range []*string{nil, ptr(""), ptr("  \n")} {
		if content != nil {
			os.WriteFile(h.ConfigFile(), []byte(*content), 0o600)
		}
		c, err := h.Load()
		if err != nil || c.Servers == nil || len(c.Servers) != 0 {
			t.Fatalf("Load() = %+v, %v; want an empty config", c, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestConcurrentUpdatesFromTwoProcesses(t *testing.T) {
	h := Home(t.TempDir())
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for _, prefix := range []string{"a", "b"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "CONFIG_TEST_WRITER_HOME="+string(h), "CONFIG_TEST_WRITER_PREFIX="+prefix)
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("writer %s: %v\n%s", prefix, err, out)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	c, err := h.Load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Servers) != 50 {
		t.Fatalf("after 2×25 concurrent adds the config has %d servers, want 50", len(c.Servers))
	}
}

func TestWatchSeesSaves(t *testing.T) {
	h := Home(t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changed := make(chan struct{}, 8)
	if _, err := h.Watch(ctx, func() { changed <- struct{}{} }); err != nil {
		t.Fatal(err)
	}
	if err := h.Update(func(c *Config) error { c.Servers["a"] = &Server{Command: "x"}; return nil }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("no change reported after Update")
	}
}

func TestSocketPathStaysShort(t *testing.T) {
	long := Home("/tmp/" + strings.Repeat("x", 120))
	if p := long.SocketPath(); len(p) >= 104 {
		t.Errorf("socket path %q is %d bytes, over the macOS limit", p, len(p))
	}
	if Home("/a").SocketPath() == Home("/b").SocketPath() {
		t.Error("two homes share a socket path")
	}
	if long.SocketPath() == Home("/tmp/"+strings.Repeat("y", 120)).SocketPath() {
		t.Error("two long homes share a socket path")
	}
}
