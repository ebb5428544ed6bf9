package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
)

// ClientsResult is the answer of the control methods clients.list and clients.reconcile, and
// what `mcptray client list --json` prints (see docs/clients.md).
type ClientsResult struct {
	Clients []ClientStatus `json:"clients"`
	// Events are the recent changes, self-heals and problems, oldest first (a running MCP
	// Tray only).
	Events []ClientEvent `json:"events"`
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
	Kind    string    `json:"kind"` // "changed", "healed", "error", "gave_up"
	Message string    `json:"message"`
}

// ClientParams names one client for clients.reconcile; empty means every client.
type ClientParams struct {
	Client string `json:"client"`
}

// Status describes every detected client and every client cfg names, reading their files as
// they are now. It only reads.
func (r *ClientReconciler) Status(cfg *config.Config) ClientsResult {
	if cfg == nil {
		cfg = &config.Config{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	detected := map[string][]clients.File{}
	for _, d := range clients.Detect(r.opts.Env) {
		detected[d.Client.ID()] = d.Files
	}
	res := ClientsResult{Clients: []ClientStatus{}, Events: slices.Clone(r.events)}
	if res.Events == nil {
		res.Events = []ClientEvent{}
	}
	for _, c := range clients.All() {
		b := cfg.Clients[c.ID()]
		files, found := detected[c.ID()]
		if !found && b == nil {
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

func (r *ClientReconciler) fileStatusLocked(c clients.Client, path string) ClientFile {
	cf := ClientFile{Path: path, Servers: []string{}, Others: []string{}}
	cur, err := r.readLocked(c, path)
	if err == nil {
		if f := r.files[path]; f != nil {
			err = f.err // a problem of the last pass, such as an unusable mcptray binary
		}
	}
	cf.Exists = cur.Exists
	for _, s := range cur.Servers {
		switch {
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

// binding returns client id's binding in c, adding a switched-off one if it has none.
func binding(c *config.Config, id string) *config.ClientBinding {
	if c.Clients == nil {
		c.Clients = map[string]*config.ClientBinding{}
	}
	b := c.Clients[id]
	if b == nil {
		b = &config.ClientBinding{}
		c.Clients[id] = b
	}
	return b
}

// EnableClient changes c so that client id sees servers: every server when servers is empty;
// else those are added to the ones it already sees (a client that sees every server still
// does). It does not check the names; config validation does.
func EnableClient(c *config.Config, id string, servers []string) {
	b := binding(c, id)
	switch {
	case len(servers) == 0:
		b.Servers = nil
	case !b.Enabled:
		b.Servers = slices.Clone(servers)
	case len(b.Servers) > 0:
		for _, s := range servers {
			if !slices.Contains(b.Servers, s) {
				b.Servers = append(b.Servers, s)
			}
		}
	}
	b.Enabled = true
}

// DisableClient changes c so that client id no longer sees servers, or nothing of MCP Tray's
// when servers is empty. The binding stays in config.json, switched off, so MCP Tray removes
// its entries from the client's files.
func DisableClient(c *config.Config, id string, servers []string) {
	b := binding(c, id)
	if len(servers) == 0 || !b.Enabled {
		b.Enabled = false
		return
	}
	keep := b.Servers
	if len(keep) == 0 {
		keep = c.ServerNames()
	}
	keep = slices.DeleteFunc(slices.Clone(keep), func(s string) bool { return slices.Contains(servers, s) })
	b.Servers = keep
	if len(keep) == 0 {
		b.Enabled, b.Servers = false, nil // an empty list would mean every server
	}
}

// clientRoutes sets up the client reconciler for the daemon's home and registers its control
// methods. New calls it once, through routes.
func (d *Daemon) clientRoutes() {
	d.clients = NewClientReconciler(ClientOptions{
		Env:     d.opts.ClientEnv,
		Binary:  d.opts.Binary,
		Backups: clients.BackupDir(d.opts.Home.BackupDir()),
		LoadConfig: func() *config.Config {
			cfg, err := d.effectiveConfig() // not what waits for the person (confirm.go)
			if err != nil {
				return nil
			}
			return cfg
		},
		Notify: func(n Note) { d.notes.Publish(n) },
		Log:    d.log,
	})
	d.ctl.Handle("clients.list", func(ctx context.Context, _ json.RawMessage) (any, error) {
		d.mu.Lock()
		cfg := d.cfg
		d.mu.Unlock()
		return d.clients.Status(cfg), nil
	})
	d.ctl.Handle("clients.reconcile", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ClientParams](raw)
		if err != nil {
			return nil, err
		}
		if _, ok := clients.ByID(p.Client); p.Client != "" && !ok {
			return nil, &control.Error{Code: control.CodeNotFound, Message: fmt.Sprintf("MCP Tray does not know an AI client called %q.", p.Client)}
		}
		cfg, err := d.effectiveConfig() // not what waits for the person (confirm.go)
		if err != nil {
			return nil, fmt.Errorf("config.json has a problem, so MCP Tray did not change any AI client's settings: %w", err)
		}
		if p.Client == "" {
			d.clients.Reconcile(cfg)
		} else {
			d.clients.ReconcileClient(cfg, p.Client)
		}
		return d.clients.Status(cfg), nil
	})
}

// readLocked is clients.Read, answered from the last read while the file, by stat, was not
// written since (Status is asked often; ~/.claude.json can be a hundred megabytes).
func (r *ClientReconciler) readLocked(c clients.Client, path string) (clients.Config, error) {
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
