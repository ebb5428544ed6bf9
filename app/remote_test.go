package app

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/supervisor"
)

func TestRemoteStateWords(t *testing.T) {
	now := time.Unix(1000, 0)
	for _, tc := range []struct {
		s    supervisor.Status
		want string
	}{
		{supervisor.Status{State: supervisor.Running, Spare: true}, "Connected"},
		{supervisor.Status{State: supervisor.Running}, "Ready · connects when an app does"},
		{supervisor.Status{State: supervisor.Running, Sessions: 2}, "Running · 2 apps connected"},
		{supervisor.Status{State: supervisor.Starting}, "Connecting…"},
		{supervisor.Status{State: supervisor.Backoff, RetryAt: now.Add(4 * time.Second)}, "Cannot reach it · trying again in 4s"},
		{supervisor.Status{State: supervisor.Running, NeedsSignIn: true}, needsSignInLabel},
	} {
		if got := serverStateLabel(tc.s, now, true); got != tc.want {
			t.Errorf("serverStateLabel(%+v, remote) = %q, want %q", tc.s, got, tc.want)
		}
	}
	for _, tc := range []struct {
		s    supervisor.Status
		want string
	}{
		{supervisor.Status{State: supervisor.Running, Spare: true, Since: now.Add(-time.Hour), Restarts: 2}, "up 1 h · connected again 2 times after losing it"},
		{supervisor.Status{State: supervisor.Running, Since: now.Add(-time.Hour), Restarts: 1}, "connected again once after losing it"},
		{supervisor.Status{State: supervisor.Running, Since: now.Add(-time.Hour)}, ""}, // ready, no connection to be up
	} {
		if got := serverRowDetail(tc.s, now, true); got != tc.want {
			t.Errorf("serverRowDetail(%+v, remote) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestWhereRemote(t *testing.T) {
	for in, want := range map[string]string{
		"https://mcp.example.com/mcp":      "Runs on the internet at mcp.example.com",
		"http://127.0.0.1:8080/mcp":        "Runs on this computer at 127.0.0.1:8080",
		"http://localhost:3000":            "Runs on this computer at localhost:3000",
		"https://192.168.1.20/mcp":         "Runs on your local network at 192.168.1.20",
		"https://evil\x1b[2J.example.com/": "",
		"not an address":                   "",
	} {
		if got := whereRemote(in); got != want {
			t.Errorf("whereRemote(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRemoteServerPage shows a remote server that wants a sign-in (a real HTTP server on
// this computer answering 401): its address, Sign in…, connection words, and neither a
// sandbox nor a program.
func TestRemoteServerPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="test"`)
		http.Error(w, "sign in first", http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	h := newWindowHarness(t)
	tab := h.u.main.servers
	h.add("far", &config.Server{Remote: config.Remote{URL: srv.URL + "/mcp"}})
	h.until("far is listed", func() bool { _, ok := h.u.m.servers["far"]; return ok })
	d := tab.detail
	tab.selectServer("far")
	h.until("the page shows where it runs", func() bool {
		return d.name == "far" && strings.HasPrefix(d.source.Text, "Runs on this computer at 127.0.0.1:")
	})
	if d.sandbox.Visible() || d.change.Visible() {
		t.Error("a remote server's page offers a sandbox on this computer")
	}
	if !slices.Equal(d.mode.Options, modeLabels(true)) {
		t.Errorf("the sharing choices speak of copies: %q", d.mode.Options)
	}
	h.connect("far", "Claude Desktop") // a connection meets the 401, if the spare did not
	h.until("the page asks for a sign-in", func() bool {
		d.show("far")
		return d.signIn.Visible() && d.signInNote.Visible() && d.state.Text == needsSignInLabel
	})
	for _, s := range texts(d.content) {
		if strings.Contains(s, "Crashed") || strings.Contains(s, "Runs: ") || strings.Contains(s, "copy") {
			t.Errorf("a remote server's page says %q", s)
		}
	}
}

// TestTraySignInItemAndNotice: a remote server that starts needing a sign-in gets one
// notification (not one per event) and a menu line that asks the daemon to sign in; a
// failure there reaches the window process as a problem to show.
func TestTraySignInItemAndNotice(t *testing.T) {
	h := newTrayHarness(t, nil)
	host := h.tr.host.(*recordingHost)
	for range 2 {
		h.events <- api.Event{Server: &supervisor.Status{Name: "far", State: supervisor.Running, NeedsSignIn: true}}
	}
	h.events <- api.Event{Server: &supervisor.Status{Name: "near", State: supervisor.Running, Spare: true}}
	h.until("both servers are known", func() bool { return len(h.tr.m.servers) == 2 })
	want := []command{{Notify: &notice{Title: "far needs you to sign in", Body: needsSignInText("far")}}}
	if d := cmp.Diff(want, h.commands()); d != "" {
		t.Errorf("window commands (-want +got):\n%s", d)
	}
	item := findItem(host.menu, "far")
	if item == nil || item.Disabled || item.Label != "far — "+needsSignInLabel+signInMenuSuffix || item.Action == nil {
		t.Fatalf("the menu has no sign-in line for far: %q", menuLines(host.menu))
	}
	item.Action() // this harness's daemon has no servers.signin: the failure must be shown
	h.until("the problem reaches the window process", func() bool {
		c := h.commands()
		return len(c) == 2 && c[1].Problem != ""
	})
}
