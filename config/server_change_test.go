package config

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/keychain"
)

func homeWith(t *testing.T, json string) Home {
	t.Helper()
	h := Home(t.TempDir())
	if err := h.Save(mustParse(t, json)); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestServerChangesNameTheMissingServer(t *testing.T) {
	h := homeWith(t, `{"servers": {"a": {"command": "x"}}}`)
	for name, err := range map[string]error{
		"UpdateServer": h.UpdateServer("nope", func(*Server) error { return nil }),
		"Server":       func() error { _, err := h.Server("nope"); return err }(),
		"RemoveServer": func() error { _, err := h.RemoveServer("nope"); return err }(),
		"SetSecret":    h.SetSecret(context.Background(), keychain.NewMemory(), "nope", "API_TOKEN", "v"),
	} {
		if !errors.Is(err, ErrNoServer) || err.Error() != `there is no server named "nope"` {
			t.Errorf("%s of a missing server: %v", name, err)
		}
	}
	if err := h.AddServer("a", &Server{Command: "y"}); !errors.Is(err, ErrServerExists) {
		t.Errorf("AddServer over an existing name: %v", err)
	}
	if s, _ := h.Server("a"); s.Command != "x" {
		t.Errorf("a refused AddServer changed the server: %+v", s)
	}
}

func TestRemoveServerTakesItFromEveryClient(t *testing.T) {
	h := homeWith(t, `{"servers": {"a": {"command": "x", "secrets": ["K"]}, "b": {"command": "y"}},
		"clients": {"cursor": {"servers": ["a", "b"]}}}`)
	removed, err := h.RemoveServer("a")
	if err != nil || !slices.Equal(removed.Secrets, []string{"K"}) {
		t.Fatalf("RemoveServer: %+v, %v", removed, err)
	}
	cfg, _ := h.Load()
	if _, ok := cfg.Servers["a"]; ok || !slices.Equal(cfg.Clients["cursor"].Servers, []string{"b"}) {
		t.Errorf("after RemoveServer: servers %v, cursor sees %v", cfg.ServerNames(), cfg.Clients["cursor"].Servers)
	}
}

func TestRuleAndModeChangesRefuseWhatCannotBe(t *testing.T) {
	var s Server
	if err := s.SetRule("echo", "maybe"); !errors.Is(err, ErrBadRule) || s.Policy != nil {
		t.Errorf("SetRule(maybe): %v, policy %+v", err, s.Policy)
	}
	if err := s.SetRule("", RuleAllow); !errors.Is(err, ErrBadRule) {
		t.Errorf("SetRule with no tool: %v", err)
	}
	if err := s.SetRule("echo", RuleDeny); err != nil || s.Policy.Tools["echo"] != RuleDeny {
		t.Errorf("SetRule(deny): %v, %+v", err, s.Policy)
	}
	if err := s.SetMode("both"); !errors.Is(err, ErrBadMode) || s.Mode != "" {
		t.Errorf("SetMode(both): %v, mode %q", err, s.Mode)
	}
	if err := s.SetMode(ModeShared); err != nil || s.Mode != ModeShared {
		t.Errorf("SetMode(shared): %v, mode %q", err, s.Mode)
	}
}

func TestSetSecretKeepsTheValueInTheKeychainOnly(t *testing.T) {
	h := homeWith(t, `{"servers": {"a": {"command": "x", "env": {"API_TOKEN": "was here", "OTHER": "1"}}}}`)
	keys := keychain.NewMemory()
	ctx := context.Background()
	if err := h.SetSecret(ctx, keys, "a", "bad name", "v"); !errors.Is(err, ErrBadSecretName) {
		t.Errorf("a bad secret name: %v", err)
	}
	if err := h.SetSecret(ctx, keys, "a", "API_TOKEN", ""); !errors.Is(err, ErrNoSecretValue) {
		t.Errorf("an empty value: %v", err)
	}
	for range 2 { // twice: declared once
		if err := h.SetSecret(ctx, keys, "a", "API_TOKEN", "s3cret"); err != nil {
			t.Fatal(err)
		}
	}
	if v, err := keys.Get(ctx, "a", "API_TOKEN"); err != nil || v != "s3cret" {
		t.Errorf("keychain holds %q, %v", v, err)
	}
	s, _ := h.Server("a")
	if diff := cmp.Diff(&Server{Command: "x", Env: map[string]string{"OTHER": "1"}, Secrets: []string{"API_TOKEN"}}, s,
		cmp.AllowUnexported(Server{})); diff != "" {
		t.Errorf("config.json after SetSecret (-want +got):\n%s", diff)
	}
}

func TestChangeSandbox(t *testing.T) {
	on, off := true, false
	var s Server
	s.ChangeSandbox(SandboxChange{Read: []string{"/a", "/b"}})
	if sb := s.Sandbox; !sb.Confined() || !sb.Network || !slices.Equal(sb.Read, []string{"/a", "/b"}) {
		t.Fatalf("first grant: %+v; want confined with the network kept", sb)
	}
	s.ChangeSandbox(SandboxChange{Write: []string{"/a"}, Forget: []string{"/b"}, Network: &off})
	if sb := s.Sandbox; len(sb.Read) != 0 || !slices.Equal(sb.Write, []string{"/a"}) || sb.Network {
		t.Errorf("write, forget, network off: %+v", sb)
	}
	s.ChangeSandbox(SandboxChange{Read: []string{"/a"}, Network: &on})
	if sb := s.Sandbox; len(sb.Read) != 0 || !sb.Network {
		t.Errorf("reading a written folder added it: %+v", sb)
	}
	s.ChangeSandbox(SandboxChange{Off: true})
	if s.Sandbox.Confined() || !s.Sandbox.Off {
		t.Errorf("Off: %+v", s.Sandbox)
	}
	for dir, want := range map[string]string{"~": "~", "~/x/../y": "~/y", "/srv//notes/": "/srv/notes", "rel/dir": ""} {
		if got, ok := SandboxFolder(dir); got != want || ok != (want != "") {
			t.Errorf("SandboxFolder(%q) = %q, %v", dir, got, ok)
		}
	}
}
