package app

import (
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/supervisor"
)

func TestStateLabels(t *testing.T) {
	now := time.Unix(1000, 0)
	cases := []struct {
		s    supervisor.Status
		want string
	}{
		{supervisor.Status{State: supervisor.Running, Spare: true}, "Running"},
		{supervisor.Status{State: supervisor.Running}, "Ready · starts when an app connects"},
		{supervisor.Status{State: supervisor.Running, Sessions: 1}, "Running · 1 app connected"},
		{supervisor.Status{State: supervisor.Running, Sessions: 3}, "Running · 3 apps connected"},
		{supervisor.Status{State: supervisor.Backoff, RetryAt: now.Add(4 * time.Second)}, "Crashed · trying again in 4s"},
		{supervisor.Status{State: supervisor.Backoff, RetryAt: now.Add(-time.Second)}, "Crashed · trying again"},
		{supervisor.Status{State: supervisor.Failed}, "Not working · see Logs"},
		{supervisor.Status{State: supervisor.Stopped}, "Stopped"},
		{supervisor.Status{State: supervisor.Disabled}, "Off"},
		{supervisor.Status{State: supervisor.Starting}, "Starting…"},
	}
	for _, tc := range cases {
		if got := stateLabel(tc.s, now); got != tc.want {
			t.Errorf("stateLabel(%v) = %q, want %q", tc.s.State, got, tc.want)
		}
	}
}

func TestOverallTrayState(t *testing.T) {
	m := newModel()
	if m.overall() != trayIdle {
		t.Fatal("a disconnected, empty model is not idle")
	}
	m.connected = true
	m.apply(api.Event{Server: &supervisor.Status{Name: "a", State: supervisor.Running}})
	if m.overall() != trayOK {
		t.Fatal("one running server is not OK")
	}
	m.apply(api.Event{Server: &supervisor.Status{Name: "b", State: supervisor.Failed}})
	if m.overall() != trayFailing {
		t.Fatal("a failed server does not show as failing")
	}
	m.apply(api.Event{Server: &supervisor.Status{Name: "b", State: supervisor.Stopped, Error: "removed"}})
	if _, ok := m.servers["b"]; ok || m.overall() != trayOK {
		t.Fatal("a removed server is still shown")
	}
	m.apply(api.Event{Note: &api.Note{Kind: "config_error", Message: "line 3"}})
	if m.overall() != trayFailing || m.configError != "line 3" {
		t.Fatal("a config error does not show")
	}
	m.apply(api.Event{Note: &api.Note{Kind: "config_ok"}})
	if m.configError != "" {
		t.Fatal("config error not cleared")
	}
}

func TestUptime(t *testing.T) {
	now := time.Unix(100000, 0)
	for d, want := range map[time.Duration]string{
		10 * time.Second: "up less than a minute",
		5 * time.Minute:  "up 5 min",
		3 * time.Hour:    "up 3 h",
		72 * time.Hour:   "up 3 days",
	} {
		if got := uptime(supervisor.Status{State: supervisor.Running, Since: now.Add(-d)}, now); got != want {
			t.Errorf("uptime(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestKubeNotesBecomeNotifications(t *testing.T) {
	for _, tc := range []struct {
		note  *api.Note
		title string
	}{
		{&api.Note{Kind: "kube_switched", Message: `"k8s" now uses "staging".`}, "Kubernetes context switched"},
		{&api.Note{Kind: "kube_context_gone", Message: `"k8s" stopped.`}, "A Kubernetes server stopped"},
		{&api.Note{Kind: "config_ok"}, ""},
		{nil, ""},
	} {
		n := noteNotice(tc.note)
		got := ""
		if n != nil {
			got = n.Title
			if n.Body != tc.note.Message {
				t.Errorf("%s: body %q, want the note's sentence", tc.note.Kind, n.Body)
			}
		}
		if got != tc.title {
			t.Errorf("note %+v: notification %q, want %q", tc.note, got, tc.title)
		}
	}
}
