package api

import (
	"strings"

	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/supervisor"
)

// Event is one item of the events stream: a server's new status, a daemon note, or a held
// tool call raised or resolved. Exactly one field is set.
type Event struct {
	Server   *supervisor.Status `json:"server,omitempty"`
	Note     *Note              `json:"note,omitempty"`
	Approval *policy.Event      `json:"approval,omitempty"`
}

// Note is a daemon-level event for the faces: a config problem, a change they should tell the
// person about.
type Note struct {
	Kind    NoteKind `json:"kind"`
	Message string   `json:"message,omitempty"` // one sentence for a person, for most kinds
}

// NoteKind names what a Note is about. Faces switch on these constants, never on strings;
// a kind this version does not know is ignored.
type NoteKind string

// The notes the daemon publishes on events.
const (
	NoteConfigError          NoteKind = "config_error"           // config.json does not load; Message says why
	NoteConfigOK             NoteKind = "config_ok"              // config.json loads (again)
	NoteConfigPending        NoteKind = "config_pending"         // a change waits for the person; Message sums it up
	NoteConfigPendingCleared NoteKind = "config_pending_cleared" // confirmed, undone or superseded
	NotePaused               NoteKind = "paused"                 // "Pause all" is on
	NoteResumed              NoteKind = "resumed"                // and off again
	NoteSettings             NoteKind = "settings"               // app settings changed
	NoteKubeSwitched         NoteKind = "kube_switched"          // a Kubernetes server now reaches another context
	NoteKubeContextGone      NoteKind = "kube_context_gone"      // its context left the kubeconfig
	NoteKubeForgotten        NoteKind = "kube_forgotten"         // its context choice was forgotten
	NoteClientChanged        NoteKind = "client_changed"         // MCP Tray wrote an AI app's file
	NoteClientHealed         NoteKind = "client_healed"          // it put back entries the app dropped
	NoteClientError          NoteKind = "client_error"           // an AI app's file could not be read or written
	NoteClientGaveUp         NoteKind = "client_gave_up"         // it stopped fighting another writer of that file
	NoteClientOK             NoteKind = "client_ok"              // a file that had a problem is in order again
	NoteAppConnected         NoteKind = "app_connected"          // an AI app connected to a server (Message: the server); the tray starts its window process ahead of a prompt
)

// NoteKinds is every kind the daemon publishes, in the order above (for docs and tests).
var NoteKinds = []NoteKind{
	NoteConfigError, NoteConfigOK, NoteConfigPending, NoteConfigPendingCleared, NotePaused, NoteResumed,
	NoteSettings, NoteKubeSwitched, NoteKubeContextGone, NoteKubeForgotten, NoteClientChanged,
	NoteClientHealed, NoteClientError, NoteClientGaveUp, NoteClientOK, NoteAppConnected,
}

// IsClient reports a note about an AI app's config file: the AI-apps view shows it.
func (k NoteKind) IsClient() bool { return strings.HasPrefix(string(k), "client_") }
