package daemon

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
)

// sandboxRoutes registers api.ServersSandbox (change a server's sandbox in config.json, as
// `mcptray server sandbox` does) and api.ServersSandboxShow (read it, for the window's dialog).
func (d *Daemon) sandboxRoutes() {
	c := d.ctl
	api.Handle(c, api.ServersSandboxShow, func(ctx context.Context, p api.SandboxParams) (api.SandboxParams, error) {
		s, ok := d.currentConfig().Servers[p.Name]
		if !ok {
			return api.SandboxParams{}, api.Errorf(api.ErrNotFound, "There is no server named %q in MCP Tray.", p.Name)
		}
		res := api.SandboxParams{Name: p.Name}
		if s.Sandbox != nil {
			sb := *s.Sandbox
			res.Sandbox = &sb
		}
		return res, nil
	})
	api.Handle(c, api.ServersSandbox, func(ctx context.Context, p api.SandboxParams) (api.None, error) {
		sb, err := cleanSandbox(p.Sandbox)
		if err != nil {
			return api.None{}, err
		}
		return api.None{}, d.updateServer(p.Name, func(s *config.Server) error {
			if s.Sandbox.Confined() && sb.Confined() {
				// Change the folders and network only: members this version does not know stay.
				s.Sandbox.Read, s.Sandbox.Write, s.Sandbox.Network = sb.Read, sb.Write, sb.Network
				return nil
			}
			s.Sandbox = sb
			return nil
		})
	})
}

// cleanSandbox checks a requested sandbox and returns it with clean, distinct folders (a
// folder both read and written is written). Folders must be full paths or start with "~/":
// the daemon cannot know the folder a relative path meant.
func cleanSandbox(sb *config.Sandbox) (*config.Sandbox, error) {
	if sb == nil {
		return nil, api.Errorf(api.ErrBadRequest, "Say what the server may touch, or false to run it without a sandbox.")
	}
	if sb.Off {
		return &config.Sandbox{Off: true}, nil
	}
	out := &config.Sandbox{Network: sb.Network}
	for _, l := range []struct {
		in  []string
		out *[]string
	}{{sb.Write, &out.Write}, {sb.Read, &out.Read}} {
		for _, dir := range l.in {
			p, ok := config.SandboxFolder(dir)
			if !ok {
				return nil, api.Errorf(api.ErrBadRequest, "%q is not a full path: choose the folder again.", dir)
			}
			if !slices.Contains(out.Write, p) && !slices.Contains(out.Read, p) {
				*l.out = append(*l.out, p)
			}
		}
	}
	return out, nil
}

// sandboxLoosens says whether a servers.sandbox request lets a confined server touch more:
// runs it without a sandbox, grants a folder it could not read or change, or turns its
// network on. Confining a server that was not, or taking things away, tightens. Params that
// do not read, a request the handler would refuse anyway, and a server not in the
// configuration in effect (one that waits for the person's confirmation) count as loosening.
func (d *Daemon) sandboxLoosens(raw json.RawMessage) bool {
	var p api.SandboxParams
	if json.Unmarshal(raw, &p) != nil {
		return true
	}
	want, err := cleanSandbox(p.Sandbox)
	if err != nil {
		return true
	}
	s, ok := d.currentConfig().Servers[p.Name]
	if !ok {
		return true // not running yet: only the person may grant it anything
	}
	now := s.Sandbox
	if !now.Confined() {
		return false // it runs unconfined already: nothing to loosen
	}
	if !want.Confined() || (want.Network && !now.Network) {
		return true
	}
	for _, dir := range want.Write {
		if !slices.Contains(now.Write, dir) {
			return true
		}
	}
	for _, dir := range want.Read {
		if !slices.Contains(now.Read, dir) && !slices.Contains(now.Write, dir) {
			return true
		}
	}
	return false
}
