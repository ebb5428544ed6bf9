package reconcile

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// ClientsResult is the answer of the control methods clients.list and clients.reconcile, and
// what `mcptray client list --json` prints (see docs/clients.md).
type ClientsResult struct {
	Clients []ClientStatus `json:"clients"`
	// Events are the recent changes, self-heals and problems, oldest first (a running MCP
	// Tray only).
	Events []ClientEvent `json:"events"`
	// Manual are the AI apps that keep their servers inside the app, with no file MCP Tray
	// could write: the person adds `mcptray connect NAME` there by hand.
	Manual []clients.ManualClient `json:"manual"`
	// Others are the AI clients MCP Tray can write for on this computer that Clients does not
	// list: not detected and not named in config.json. Enabling one (clients.set) writes its
	// main file, folder and all, so it finds its servers once installed; it then moves to
	// Clients. Clients with no file location on this system are left out.
	Others []ClientRef `json:"others"`
}

// ClientRef names an AI client MCP Tray knows.
type ClientRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ClientStatus is one AI client: detected or named in config.json.
type ClientStatus struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Format   string `json:"format"`
	Detected bool   `json:"detected"` // installed on this computer, as far as MCP Tray can tell
	Enabled  bool   `json:"enabled"`  // config.json has MCP Tray write this client's files
	// Only is the binding's list of servers; empty means every server.
	Only []string `json:"only"`
	// Wants are the servers the client should see; Sees those its files hold entries for.
	Wants []string     `json:"wants"`
	Sees  []string     `json:"sees"`
	Files []ClientFile `json:"files"`
	// NeedsRestart reports that MCP Tray changed the client's files since it started and the
	// client sees changes only after a restart; RestartHint says how to restart it.
	NeedsRestart bool         `json:"needsRestart"`
	RestartHint  string       `json:"restartHint"`
	LastChange   *ClientEvent `json:"lastChange,omitempty"`
}

// ClientFile is one config file of a client and what it holds now.
type ClientFile struct {
	Path   string `json:"path"`
	Exists bool   `json:"exists"`
	// Servers are the MCP Tray servers this file has entries for.
	Servers []string `json:"servers"`
	// Renamed maps a server to the key it is listed under, when the person already had an
	// entry of that name.
	Renamed map[string]string `json:"renamed,omitempty"`
	// Others are the keys of the person's own entries.
	Others    []string `json:"others"`
	Error     string   `json:"error,omitempty"`     // one sentence; the file was left alone
	ErrorLine int      `json:"errorLine,omitempty"` // 1-based, when the problem is at one line
}

// ClientEvent is something MCP Tray did to, or found in, a client's file.
type ClientEvent struct {
	Time    time.Time `json:"time"`
	Client  string    `json:"client"`
	Path    string    `json:"path"`
	Kind    Kind      `json:"kind"`
	Message string    `json:"message"`
}

// Kind names what a ClientEvent is about. It is a string on the wire.
type Kind string

// The kinds of ClientEvent.
const (
	Changed Kind = "changed" // MCP Tray wrote a client's file
	Healed  Kind = "healed"  // it put back entries the client dropped
	Error   Kind = "error"   // a client's file could not be read or written; Message says why
	GaveUp  Kind = "gave_up" // it stopped putting back entries a client keeps removing
	// OK: a file that had a problem is in order again. Notify hears of it; Status's Events
	// do not keep it.
	OK Kind = "ok"
)

// Status describes every detected client and every client cfg names, reading their files as
// they are now, and names the other clients in Others. It only reads.
func (r *Reconciler) Status(cfg *config.Config) ClientsResult {
	if cfg == nil {
		cfg = &config.Config{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	detected := map[string][]clients.File{}
	for _, d := range clients.Detect(r.opts.Env) {
		detected[d.Client.ID()] = d.Files
	}
	res := ClientsResult{Clients: []ClientStatus{}, Events: slices.Clone(r.events), Manual: clients.Manual(), Others: []ClientRef{}}
	if res.Events == nil {
		res.Events = []ClientEvent{}
	}
	for _, c := range clients.All() {
		b := cfg.Clients[c.ID()]
		files, found := detected[c.ID()]
		if !found && b == nil {
			if len(c.Paths(r.opts.Env)) > 0 {
				res.Others = append(res.Others, ClientRef{ID: c.ID(), Name: c.Name()})
			}
			continue
		}
		st := ClientStatus{ID: c.ID(), Name: c.Name(), Format: c.Format(), Detected: found,
			Only: []string{}, Wants: nonNilList(ClientServers(cfg, c.ID())), Sees: []string{}, Files: []ClientFile{},
			RestartHint: c.RestartHint(), LastChange: r.last[c.ID()]}
		if b != nil {
			st.Enabled = b.Enabled
			st.Only = append(st.Only, b.Servers...)
		}
		st.NeedsRestart = c.NeedsRestart() && st.LastChange != nil
		var paths []string
		for _, f := range files {
			paths = append(paths, f.Path)
		}
		if all := c.Paths(r.opts.Env); len(paths) == 0 && len(all) > 0 {
			paths = all[:1]
		}
		for _, p := range paths {
			cf := r.fileStatusLocked(c, p)
			for _, s := range cf.Servers {
				if !slices.Contains(st.Sees, s) {
					st.Sees = append(st.Sees, s)
				}
			}
			st.Files = append(st.Files, cf)
		}
		sort.Strings(st.Sees)
		res.Clients = append(res.Clients, st)
	}
	return res
}

func (r *Reconciler) fileStatusLocked(c clients.Client, path string) ClientFile {
	cf := ClientFile{Path: path, Servers: []string{}, Others: []string{}}
	cur, err := r.readLocked(c, path)
	if err == nil {
		if f := r.files[path]; f != nil {
			err = f.err // a problem of the last pass, such as an unusable mcptray binary
		}
	}
	cf.Exists = cur.Exists
	var skipped []string
	for _, s := range cur.Servers {
		switch {
		case s.Ours && s.Skipped != "":
			// In the file but not loaded: the client does not see it, and the person is told.
			skipped = append(skipped, s.Skipped)
		case !s.Ours:
			cf.Others = append(cf.Others, s.Key)
		case s.Key != s.ServerName:
			if cf.Renamed == nil {
				cf.Renamed = map[string]string{}
			}
			cf.Renamed[s.ServerName] = s.Key
			fallthrough
		default:
			cf.Servers = append(cf.Servers, s.ServerName)
		}
	}
	if err == nil {
		if shadow := r.shadowLocked(c, path, cur); shadow != "" {
			skipped = append(skipped, shadow)
		}
	}
	if err == nil && len(skipped) > 0 {
		cf.Error = strings.Join(skipped, " ")
	}
	if err != nil {
		cf.Error = errorSentence(err)
		var fe *clients.FileError
		if errors.As(err, &fe) {
			cf.ErrorLine = fe.Line
			cf.Exists = true
		}
	}
	return cf
}

func nonNilList(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// readLocked is clients.Read, answered from the last read while the file, by stat, was not
// written since (Status is asked often; ~/.claude.json can be a hundred megabytes).
func (r *Reconciler) readLocked(c clients.Client, path string) (clients.Config, error) {
	f := r.files[path]
	if f == nil {
		return clients.Read(c, path)
	}
	if f.status != nil && f.statusAt.unchanged(path) {
		return *f.status, nil
	}
	stamp := stampOf(path)
	cur, err := clients.Read(c, path)
	if err == nil {
		f.status, f.statusAt = &cur, stamp
	} else if f.err == nil {
		// The person has seen this problem now, though no pass has met it yet: the pass
		// that finds the file in order again says so (client_ok), and does not skip it.
		f.err = err
	}
	return cur, err
}
