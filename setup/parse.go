package setup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/config"
)

// Parse reads a setup document. The error is one sentence (wrapping ErrNotSetup, ErrNewer or
// ErrInvalid) for a document that is not a setup, one from a newer MCP Tray, one that names a
// server twice (also in different capitals, or as the same JSON key twice, which a JSON
// reader would silently merge), a name that cannot be a server's, a server config.json would
// refuse, a client binding naming a server the setup lacks, or a server that claims an install
// in MCP Tray's own folder. Names in sentences are quoted with Go escapes, so a name holding
// terminal escape sequences is shown, never obeyed. A Kubernetes context is cleared: only the
// person may let a server reach one (mcptray kube use). It only reads data.
func Parse(data []byte) (File, error) {
	var f File
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return f, &sentence{"this file is not an MCP Tray setup: make one with mcptray export", ErrNotSetup}
	}
	rawVersion, ok := top["mcptray"]
	if !ok {
		return f, &sentence{"this file is not an MCP Tray setup (it has no \"mcptray\" version): make one with mcptray export", ErrNotSetup}
	}
	if err := json.Unmarshal(rawVersion, &f.MCPTray); err != nil || f.MCPTray < 1 {
		return f, &sentence{"this file is not an MCP Tray setup: its \"mcptray\" version is not a format number", ErrNotSetup}
	}
	if f.MCPTray > Version {
		return f, &sentence{fmt.Sprintf("this setup was made by a newer MCP Tray (format %d; this one reads format %d): update MCP Tray, then import it again", f.MCPTray, Version), ErrNewer}
	}
	invalid := func(format string, a ...any) error {
		return &sentence{"this setup " + fmt.Sprintf(format, a...), ErrInvalid}
	}
	for _, key := range []string{"", "servers", "clients", "reinstall"} {
		raw := data
		if key != "" {
			raw = top[key]
		}
		if dup, err := duplicateKey(raw); err != nil {
			return f, invalid("has a %q part that is not in the form mcptray export writes", key)
		} else if dup != "" && key == "servers" {
			return f, invalid("names the server %q twice", dup)
		} else if dup != "" {
			return f, invalid("has %q twice", dup)
		}
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return f, invalid("has a part that is not in the form mcptray export writes (%s)", err)
	}
	if len(f.Servers) == 0 && len(f.Reinstall) == 0 {
		return f, invalid("has no servers")
	}
	seen := map[string]string{}
	for _, name := range sortedKeys(f.Servers) {
		if !config.ValidName(name) {
			return f, invalid("has the server name %q, which cannot be a server name (use letters, digits, '.', '-' or '_')", name)
		}
		if other, ok := seen[strings.ToLower(name)]; ok {
			return f, invalid("has the servers %q and %q, which differ only in capitals", other, name)
		}
		seen[strings.ToLower(name)] = name
		s := f.Servers[name]
		if s == nil {
			return f, invalid("has an empty server %q", name)
		}
		if s.Frozen != nil || s.Rollback != nil {
			return f, invalid("says its server %q is installed in MCP Tray's own folder, which a setup cannot carry", name)
		}
		if s.Kube != nil {
			s.Kube.Context, s.Kube.Namespace = "", ""
		}
		s.OAuth = nil
	}
	for name := range f.Reinstall {
		if !config.ValidName(name) {
			return f, invalid("has the server name %q, which cannot be a server name", name)
		}
		if _, ok := f.Servers[name]; ok {
			return f, invalid("names the server %q twice", name)
		}
	}
	for id := range f.Clients {
		if _, ok := clients.ByID(id); !ok {
			return f, invalid("switches on the AI app %q, which this MCP Tray does not know", id)
		}
	}
	check := &config.Config{Servers: f.Servers, Clients: f.Clients}
	if err := check.Validate(); err != nil {
		return f, invalid("has a server config.json would refuse: %s", err)
	}
	return f, nil
}

// duplicateKey returns a key the JSON object raw holds twice, "" when none; raw empty (the
// part is absent) has none. Only the object's own keys are compared.
func duplicateKey(raw []byte) (string, error) {
	if len(bytes.TrimSpace(raw)) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return "", nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", errors.New("not an object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		key, _ := tok.(string)
		if seen[key] {
			return key, nil
		}
		seen[key] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", err
		}
	}
	if _, err := dec.Token(); err != nil && err != io.EOF {
		return "", err
	}
	return "", nil
}

// Apply adds the setup's servers to c and switches on its AI clients for them (added to
// what a client already sees). It refuses, changing nothing, when a server's name is one c
// already has, in any capitals (ErrExists). It returns a sentence for each client binding it
// leaves as the person has it on this computer. Call it inside config.Home.Update.
func Apply(c *config.Config, f File) ([]string, error) {
	if err := Conflict(c, f); err != nil {
		return nil, err
	}
	if c.Servers == nil {
		c.Servers = map[string]*config.Server{}
	}
	for _, name := range sortedKeys(f.Servers) {
		c.Servers[name] = f.Servers[name].Clone()
	}
	var notes []string
	for _, id := range sortedKeys(f.Clients) {
		b := f.Clients[id]
		if b == nil || !b.Enabled {
			continue
		}
		if cur := c.Clients[id]; cur != nil && cur.Enabled && len(cur.Servers) == 0 {
			continue // it sees every server already, the new ones included
		}
		if cur := c.Clients[id]; cur != nil && !cur.Enabled && len(b.Servers) == 0 {
			notes = append(notes, fmt.Sprintf("%s is switched off here, so MCP Tray leaves it so; switch it on with: mcptray client enable %s", id, id))
			continue
		}
		reconcile.EnableClient(c, id, b.Servers)
	}
	return notes, nil
}

// Conflict is Apply's check alone: ErrExists naming the first server of f whose name c has
// already, in any capitals; nil when there is none.
func Conflict(c *config.Config, f File) error {
	have := map[string]string{}
	for name := range c.Servers {
		have[strings.ToLower(name)] = name
	}
	for _, name := range append(sortedKeys(f.Servers), sortedKeys(f.Reinstall)...) {
		if old, ok := have[strings.ToLower(name)]; ok {
			what := fmt.Sprintf("a server called %q is here already", old)
			if old != name {
				what = fmt.Sprintf("a server called %q is here already, which differs from the setup's %q only in capitals", old, name)
			}
			return &sentence{what + "; remove it (mcptray server remove " + old + ") or take it out of the setup, then import again", ErrExists}
		}
	}
	return nil
}
