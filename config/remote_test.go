package config

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/remote"
)

func TestRemoteServerValidation(t *testing.T) {
	for _, c := range []struct {
		name string
		s    Server
		want string // "" for valid
	}{
		{"remote", Server{Remote: Remote{URL: "https://mcp.example.com/mcp"}}, ""},
		{"with header", Server{Secrets: []string{"T"}, Remote: Remote{URL: "https://x.example/mcp", Headers: map[string]string{"Authorization": "Bearer ${secret:T}"}}}, ""},
		{"both", Server{Command: "npx", Remote: Remote{URL: "https://x.example/mcp"}}, "either a program"},
		{"plain http", Server{Remote: Remote{URL: "http://x.example/mcp"}}, "plain http"},
		{"undeclared secret", Server{Remote: Remote{URL: "https://x.example/mcp", Query: map[string]string{"k": "${secret:K}"}}}, "not among the server's secrets"},
		{"reserved header", Server{Remote: Remote{URL: "https://x.example/mcp", Headers: map[string]string{"mcp-session-id": "x"}}}, "sets itself"},
		{"bad header", Server{Remote: Remote{URL: "https://x.example/mcp", Headers: map[string]string{"X": "a\r\nB: c"}}}, "cannot be sent"},
		{"transport", Server{Remote: Remote{URL: "https://x.example/mcp", Transport: "ws"}}, `"http", "sse"`},
		{"local with headers", Server{Command: "npx", Remote: Remote{Headers: map[string]string{"A": "b"}}}, "only for a remote server"},
	} {
		err := (&Config{Servers: map[string]*Server{"s": &c.s}}).Validate()
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// TestRemoteMembersAreKnown: the members of the embedded Remote are read as known fields, so
// removing one does not bring it back from the unknown fields kept for round trips.
func TestRemoteMembersAreKnown(t *testing.T) {
	var s Server
	if err := json.Unmarshal([]byte(`{"url":"https://x.example/mcp","transport":"sse","future":1}`), &s); err != nil {
		t.Fatal(err)
	}
	s.Transport = ""
	b, _ := json.Marshal(&s)
	if strings.Contains(string(b), "sse") || !strings.Contains(string(b), `"future":1`) {
		t.Fatalf("round trip: %s", b)
	}
}

// TestReviewHoldsWhereARemoteServerIs: a hand edit that sends a remote server elsewhere, or
// sends it other headers, waits for the person like a changed command; a sign-in recorded
// (which only names a login in the keychain) applies at once.
func TestReviewHoldsWhereARemoteServerIs(t *testing.T) {
	base := func() *Config {
		return &Config{Servers: map[string]*Server{"r": {Secrets: []string{"T"}, Remote: Remote{URL: "https://mcp.example.com/mcp",
			Headers: map[string]string{"Authorization": "Bearer ${secret:T}"}}}}}
	}
	for _, tc := range []struct {
		name    string
		edit    func(s *Server)
		loosens bool
	}{
		{"url", func(s *Server) { s.URL = "https://evil.example/mcp" }, true},
		{"header", func(s *Server) { s.Headers["X-Forward"] = "${secret:T}" }, true},
		{"private network", func(s *Server) { s.AllowPrivateNetwork = true }, true},
		{"sign-in", func(s *Server) { s.OAuth = &OAuth{Issuer: "https://auth.example.com"} }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			proposed := base()
			tc.edit(proposed.Servers["r"])
			eff, changes := Review(base(), proposed, ReviewOptions{})
			if tc.loosens != (len(changes) == 1) {
				t.Fatalf("changes = %q", changes)
			}
			if tc.loosens && eff.Servers["r"].URL != "https://mcp.example.com/mcp" {
				t.Fatalf("the held change is in effect: %+v", eff.Servers["r"].Remote)
			}
			if tc.loosens && !strings.Contains(changes[0], "the remote server at") {
				t.Errorf("the sentence does not say where: %q", changes[0])
			}
		})
	}
}

// TestForgetSignIn: forgetting a remote server's sign-in deletes its login and only its
// login (another server behind the same sign-in service keeps its own); a server that never
// signed in, and a login deleted already, are fine.
func TestForgetSignIn(t *testing.T) {
	ctx := context.Background()
	keys := keychain.NewMemory()
	const issuer = "https://auth.example"
	a := &Server{Remote: Remote{URL: "https://a.example/mcp", OAuth: &OAuth{Issuer: issuer}}}
	b := &Server{Remote: Remote{URL: "https://b.example/mcp", OAuth: &OAuth{Issuer: issuer}}}
	for _, s := range []*Server{a, b} {
		l := &remote.Login{Issuer: issuer, Resource: remote.ResourceOf(s.URL), AccessToken: "t-" + s.URL}
		if err := remote.SaveLogin(ctx, keys, l); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // the second time, the login is gone already
		if err := ForgetSignIn(ctx, keys, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := remote.LoadLogin(ctx, keys, issuer, remote.ResourceOf(a.URL)); !errors.Is(err, remote.ErrNoLogin) {
		t.Fatalf("the forgotten login: %v", err)
	}
	if l, err := remote.LoadLogin(ctx, keys, issuer, remote.ResourceOf(b.URL)); err != nil || l.AccessToken != "t-"+b.URL {
		t.Fatalf("the other server's login: %+v, %v", l, err)
	}
	for _, s := range []*Server{{Command: "npx"}, {Remote: Remote{URL: "https://c.example/mcp"}}} {
		if err := ForgetSignIn(ctx, keys, s); err != nil {
			t.Fatalf("a server without a sign-in: %v", err)
		}
	}
}
