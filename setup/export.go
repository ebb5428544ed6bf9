package setup

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
)

// Export makes the setup document of cfg, with one sentence for each thing that does not
// move as it is. It never holds a secret value: a server's secrets are named only, an
// environment value that looks like a credential becomes a secret to ask for, and a server
// whose command line or headers hold what looks like a credential is left out (and
// said so). Only what this computer alone can decide is dropped: the Kubernetes context a
// server may reach, a sign-in, the earlier version kept for rollback; a server installed
// into MCP Tray's own folder is named in Reinstall instead. cfg is not changed.
func Export(cfg *config.Config) (File, []string) {
	f := File{MCPTray: Version, Servers: map[string]*config.Server{}}
	var notes []string
	for _, name := range cfg.ServerNames() {
		s := cfg.Servers[name].Clone()
		if s.Frozen != nil {
			if s.Source != nil && s.Source.Catalog != "" {
				if f.Reinstall == nil {
					f.Reinstall = map[string]Reinstall{}
				}
				f.Reinstall[name] = Reinstall{Catalog: s.Source.Catalog, Version: s.Source.Version}
				notes = append(notes, fmt.Sprintf("%s was installed into MCP Tray's own folder, so the setup names it to install again from the catalog (%s).", name, s.Source.Catalog))
			} else {
				notes = append(notes, fmt.Sprintf("%s is left out: it was installed into MCP Tray's own folder, which does not move; add it again on the other computer.", name))
			}
			continue
		}
		if why := carriesCredential(s); why != "" {
			notes = append(notes, fmt.Sprintf("%s is left out: %s, and a setup file never holds one; add it again on the other computer with the credential as a secret.", name, why))
			continue
		}
		s.Rollback = nil
		for _, k := range slices.Sorted(maps.Keys(s.Env)) {
			if clients.LooksLikeCredential(k, s.Env[k]) {
				s.DeclareSecret(k)
				notes = append(notes, fmt.Sprintf("%s's %s looks like a credential, so the setup names it as a secret to ask for instead of holding its value.", name, k))
			}
		}
		if s.Kube != nil && s.Kube.Context != "" {
			s.Kube.Context, s.Kube.Namespace = "", ""
			notes = append(notes, fmt.Sprintf("%s's Kubernetes context is not carried: choose it on the other computer (mcptray kube use %s CONTEXT).", name, name))
		}
		if s.OAuth != nil {
			s.OAuth = nil
			notes = append(notes, fmt.Sprintf("%s's sign-in is not carried: sign in again on the other computer (mcptray server login %s).", name, name))
		}
		f.Servers[name] = s
	}
	for _, id := range sortedKeys(cfg.Clients) {
		b := cfg.Clients[id]
		if b == nil || !b.Enabled {
			continue
		}
		var servers []string
		for _, s := range b.Servers {
			if f.Servers[s] != nil {
				servers = append(servers, s)
			}
		}
		if len(b.Servers) > 0 && len(servers) == 0 {
			continue // it saw only servers that do not move
		}
		if f.Clients == nil {
			f.Clients = map[string]*config.ClientBinding{}
		}
		f.Clients[id] = &config.ClientBinding{Enabled: true, Servers: servers}
	}
	return f, notes
}

// Marshal is the document as Export's caller writes it: indented JSON ending in a newline.
func (f File) Marshal() []byte {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		panic("setup: marshaling a setup cannot fail: " + err.Error())
	}
	return append(b, '\n')
}

// carriesCredential says where s holds what looks like a credential outside its secrets (its
// command line, a header or query value), or "". (config.json refuses an address holding a
// password already.)
func carriesCredential(s *config.Server) string {
	if found := clients.CredentialsInArgs(s.Args); len(found) > 0 {
		return "its command line holds what looks like a credential"
	}
	for _, m := range []map[string]string{s.Headers, s.Query} {
		for k, v := range m {
			if len(config.SecretRefs(v)) == 0 && clients.LooksLikeCredential(k, v) {
				return "its " + k + " holds what looks like a credential"
			}
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
