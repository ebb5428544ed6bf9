package main

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mcptray/mcptray/config"
)

// TestRemoteServerFlags: a header or query value named as secret:KEY or ${secret:KEY} stays
// a reference; a literal value (a credential typed on the command line) is moved out: the
// definition names a secret instead, and the value is returned to go into the keychain.
func TestRemoteServerFlags(t *testing.T) {
	f := remoteFlags{
		url:     "https://mcp.example.com/mcp",
		headers: []string{"Authorization=Bearer ${secret:TOKEN}", "X-Team=secret:TEAM", "X-Api-Key=sk-live-123"},
		query:   []string{"key=abc"},
	}
	s, moved, err := f.remoteServer([]string{"OTHER"})
	if err != nil {
		t.Fatal(err)
	}
	want := &config.Server{Secrets: []string{"OTHER", "TOKEN", "TEAM", "X_API_KEY", "QUERY_KEY"}, Remote: config.Remote{
		URL:     "https://mcp.example.com/mcp",
		Headers: map[string]string{"Authorization": "Bearer ${secret:TOKEN}", "X-Team": "${secret:TEAM}", "X-Api-Key": "${secret:X_API_KEY}"},
		Query:   map[string]string{"key": "${secret:QUERY_KEY}"},
	}}
	if d := cmp.Diff(want, s, cmp.AllowUnexported(config.Server{})); d != "" {
		t.Errorf("server (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]literal{{"X_API_KEY", "sk-live-123"}, {"QUERY_KEY", "abc"}}, moved, cmp.AllowUnexported(literal{})); d != "" {
		t.Errorf("moved (-want +got):\n%s", d)
	}
	if err := (&config.Config{Servers: map[string]*config.Server{"r": s}}).Validate(); err != nil {
		t.Errorf("the definition does not validate: %v", err)
	}
}

func TestRemoteServerFlagsRefused(t *testing.T) {
	for _, f := range []remoteFlags{
		{url: "http://example.com/mcp"},
		{url: "https://example.com/mcp", transport: "websocket"},
		{url: "https://example.com/mcp", headers: []string{"novalue"}},
		{headers: []string{"A=secret:B"}},
	} {
		if _, _, err := f.remoteServer(nil); err == nil {
			t.Errorf("%+v was accepted", f)
		}
	}
}

// TestRemoteServerKeyInTheAddress: a key typed into --url (?api_key=…, a value shaped like a
// token) is taken out of the address and kept in the keychain like a --query value; the rest
// of the address stays as typed (red team: the key went into config.json and `server list`).
func TestRemoteServerKeyInTheAddress(t *testing.T) {
	f := remoteFlags{url: "https://mcp.example.com/mcp?region=eu&api_key=sk_live_abcdef123456&v=2"}
	s, moved, err := f.remoteServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.URL != "https://mcp.example.com/mcp?region=eu&v=2" {
		t.Errorf("URL = %q", s.URL)
	}
	if s.Query["api_key"] != "${secret:QUERY_API_KEY}" || !slices.Contains(s.Secrets, "QUERY_API_KEY") {
		t.Errorf("query %v, secrets %v", s.Query, s.Secrets)
	}
	if d := cmp.Diff([]literal{{"QUERY_API_KEY", "sk_live_abcdef123456"}}, moved, cmp.AllowUnexported(literal{})); d != "" {
		t.Errorf("moved (-want +got):\n%s", d)
	}
	f = remoteFlags{url: "https://mcp.example.com/mcp?token=abc", query: []string{"token=secret:T"}}
	if _, _, err := f.remoteServer(nil); err == nil {
		t.Error("a key given in the address and with --query was accepted")
	}
}

// TestRemoteServerKeyInTheAddressSpelledOtherwise: a key's name percent-encoded or in other
// capitals is still taken out; a key given twice is refused rather than half kept; a
// reference stays in the address as typed.
func TestRemoteServerKeyInTheAddressSpelledOtherwise(t *testing.T) {
	f := remoteFlags{url: "https://mcp.example.com/mcp?API%5FKEY=abc123&v=2"}
	s, moved, err := f.remoteServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.URL != "https://mcp.example.com/mcp?v=2" || s.Query["API_KEY"] != "${secret:QUERY_API_KEY}" {
		t.Errorf("URL = %q, query %v", s.URL, s.Query)
	}
	if d := cmp.Diff([]literal{{"QUERY_API_KEY", "abc123"}}, moved, cmp.AllowUnexported(literal{})); d != "" {
		t.Errorf("moved (-want +got):\n%s", d)
	}
	f = remoteFlags{url: "https://mcp.example.com/mcp?token=a&token=b"}
	if _, _, err := f.remoteServer(nil); err == nil {
		t.Error("a key given twice in the address was accepted")
	}
	f = remoteFlags{url: "https://mcp.example.com/mcp?token=${secret:T}"}
	if s, moved, err := f.remoteServer(nil); err != nil || len(moved) != 0 || s.URL != f.url {
		t.Errorf("a reference in the address: URL %q, moved %v, %v", s.URL, moved, err)
	}
	f = remoteFlags{url: "https://mcp.example.com/mcp?token=abc%zz"}
	if _, _, err := f.remoteServer(nil); err == nil {
		t.Error("a key that does not decode was accepted (and would have stayed in config.json)")
	}
}
