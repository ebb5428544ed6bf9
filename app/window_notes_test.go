package app

import (
	"testing"

	"github.com/mcptray/mcptray/api"
)

// TestEveryClientNoteRefreshesTheAIAppsTab: each note the daemon sends about an AI app's file
// refreshes the AI-apps tab — client_ok and client_gave_up included, which it once ignored,
// so a broken file that was fixed kept showing its problem. Every other note kind maps as
// listed, and a kind this version does not know refreshes nothing.
func TestEveryClientNoteRefreshesTheAIAppsTab(t *testing.T) {
	want := map[api.NoteKind]noteView{
		api.NoteClientChanged:        viewClients,
		api.NoteClientHealed:         viewClients,
		api.NoteClientError:          viewClients,
		api.NoteClientGaveUp:         viewClients,
		api.NoteClientOK:             viewClients,
		api.NoteSettings:             viewSettings,
		api.NoteConfigPending:        viewPending,
		api.NoteConfigPendingCleared: viewPending,
		api.NoteConfigError:          viewNone, // the model keeps these
		api.NoteConfigOK:             viewNone,
		api.NotePaused:               viewNone,
		api.NoteResumed:              viewNone,
		api.NoteKubeSwitched:         viewNone, // the tray's menu follows these
		api.NoteKubeContextGone:      viewNone,
		api.NoteKubeForgotten:        viewNone,
		api.NoteAppConnected:         viewNone, // the tray prepares the window process
	}
	for _, k := range api.NoteKinds {
		w, ok := want[k]
		if !ok {
			t.Errorf("%s: a note kind this test does not list; say what it refreshes", k)
			continue
		}
		if got := noteRefreshes(k); got != w {
			t.Errorf("noteRefreshes(%s) = %d, want %d", k, got, w)
		}
		if k.IsClient() && noteRefreshes(k) != viewClients {
			t.Errorf("%s is about an AI app's file but does not refresh the AI-apps tab", k)
		}
	}
	if got := noteRefreshes("client_something_new"); got != viewClients {
		t.Errorf("a new client_ note refreshes %d, want the AI-apps tab", got)
	}
	if got := noteRefreshes("from_the_future"); got != viewNone {
		t.Errorf("an unknown note refreshes %d, want nothing", got)
	}
}
