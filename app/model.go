// Package app is MCP Tray's GUI, built with Fyne: the tray icon and menu, the main window and
// (as they land) the approval prompt. It renders state it receives from the daemon's event
// stream and forwards the person's intents to the daemon's control API; it holds no state of
// its own beyond what it draws, and touches no files or processes.
package app

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/supervisor"
)

// model is what the GUI knows, rebuilt from daemon events. Only the UI goroutine touches it.
type model struct {
	servers     map[string]supervisor.Status
	configError string
	connected   bool // the event stream is up

	approvals approvalQueue // held tool calls waiting for the person
	paused    bool          // the person paused every server ("paused" notes)
	// configPending says a change to config.json waits for the person ("config_pending"
	// notes, until "config_pending_cleared").
	configPending bool
	kube          map[string]api.KubeServer // Kubernetes servers' contexts (from kube.contexts)
}

func newModel() *model { return &model{servers: map[string]supervisor.Status{}} }

// reconnected starts over: the event stream is up again and its snapshot follows, which says
// "paused" again if it still is and lists the calls still held.
func (m *model) reconnected() {
	m.connected = true
	m.paused = false
	m.configPending = false
	m.approvals.reset()
}

// disconnected forgets what the daemon held: held calls end with it.
func (m *model) disconnected() {
	m.connected = false
	m.approvals.reset()
}

// apply folds one event into the model.
func (m *model) apply(ev api.Event) {
	if s := ev.Server; s != nil {
		if s.Error == "removed" && s.State == supervisor.Stopped {
			delete(m.servers, s.Name)
		} else {
			m.servers[s.Name] = *s
		}
	}
	if a := ev.Approval; a != nil {
		m.approvals.apply(*a)
	}
	if n := ev.Note; n != nil {
		switch n.Kind {
		case api.NoteConfigError:
			m.configError = n.Message
		case api.NoteConfigOK:
			m.configError = ""
		case api.NotePaused:
			m.paused = true
		case api.NoteResumed:
			m.paused = false
		case api.NoteConfigPending:
			m.configPending = true
		case api.NoteConfigPendingCleared:
			m.configPending = false
		}
	}
}

// decodeEvent reads one item of the daemon's event stream. It reads an approval event without
// its decision, which the GUI does not show (and whose answer field encodes as text that
// policy.Answer cannot decode back), so a resolved approval always leaves the queue.
func decodeEvent(raw []byte) (api.Event, error) {
	var w struct {
		Server   *supervisor.Status `json:"server"`
		Note     *api.Note          `json:"note"`
		Approval *struct {
			Kind     policy.EventKind `json:"kind"`
			Approval policy.Approval  `json:"approval"`
		} `json:"approval"`
	}
	if err := json.Unmarshal(raw, &w); err != nil {
		return api.Event{}, err
	}
	ev := api.Event{Server: w.Server, Note: w.Note}
	if w.Approval != nil {
		ev.Approval = &policy.Event{Kind: w.Approval.Kind, Approval: w.Approval.Approval}
	}
	return ev, nil
}

// sorted returns the servers by name.
func (m *model) sorted() []supervisor.Status {
	out := make([]supervisor.Status, 0, len(m.servers))
	for _, s := range m.servers {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// names are the servers' names, sorted.
func (m *model) names() []string {
	out := make([]string, 0, len(m.servers))
	for name := range m.servers {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// trayState is what the tray icon shows.
type trayState int

const (
	trayIdle     trayState = iota // nothing configured, or not connected
	trayOK                        // everything that should run, runs
	trayFailing                   // a server failed or is restarting
	trayApproval                  // a tool call waits for the person's answer
)

// overall sums the servers up for the tray icon.
func (m *model) overall() trayState {
	if m.connected && m.approvals.len() > 0 {
		return trayApproval
	}
	if !m.connected || len(m.servers) == 0 || m.paused {
		return trayIdle
	}
	for _, s := range m.servers {
		if s.State == supervisor.Failed || s.State == supervisor.Backoff {
			return trayFailing
		}
	}
	if m.configError != "" {
		return trayFailing
	}
	return trayOK
}

// stateLabel says in plain words what a server is doing.
func stateLabel(s supervisor.Status, now time.Time) string { return serverStateLabel(s, now, false) }

// serverStateLabel is stateLabel for a server known to be remote or not: a remote server runs
// no program on this computer, so it connects rather than starts, and cannot be reached
// rather than crashing.
func serverStateLabel(s supervisor.Status, now time.Time, remote bool) string {
	if s.NeedsSignIn {
		return needsSignInLabel // whatever its process does, no AI app gets through until then
	}
	switch s.State {
	case supervisor.Running:
		if s.Sessions == 1 {
			return "Running · 1 app connected"
		}
		if s.Sessions > 1 {
			return fmt.Sprintf("Running · %d apps connected", s.Sessions)
		}
		switch {
		case !s.Spare && remote:
			return "Ready · connects when an app does"
		case !s.Spare:
			return "Ready · starts when an app connects"
		case remote:
			return "Connected"
		}
		return "Running"
	case supervisor.Starting:
		if remote {
			return "Connecting…"
		}
		return "Starting…"
	case supervisor.Backoff:
		what := "Crashed"
		if remote {
			what = "Cannot reach it"
		}
		if wait := s.RetryAt.Sub(now).Round(time.Second); wait > 0 {
			return fmt.Sprintf("%s · trying again in %s", what, wait)
		}
		return what + " · trying again"
	case supervisor.Failed:
		return "Not working · see Logs"
	case supervisor.Stopped:
		return "Stopped"
	case supervisor.Disabled:
		return "Off"
	}
	return s.State.String()
}

// menuLabel is a server's line in the tray menu.
func menuLabel(s supervisor.Status, now time.Time) string {
	return s.Name + " — " + stateLabel(s, now)
}

// uptime renders how long a server has been in its state, for the main window.
func uptime(s supervisor.Status, now time.Time) string {
	if s.State != supervisor.Running || s.Since.IsZero() {
		return ""
	}
	d := now.Sub(s.Since)
	switch {
	case d < time.Minute:
		return "up less than a minute"
	case d < time.Hour:
		return fmt.Sprintf("up %d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("up %d h", int(d.Hours()))
	default:
		return fmt.Sprintf("up %d days", int(d.Hours()/24))
	}
}
