package daemon

import (
	"context"
	"errors"
	"slices"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
)

// updateRoutes registers api.CatalogOutdated (installed servers with a newer version and what
// else each update changes) and the api.Update stream (moves one server to it, or back with
// rollback; lines as in "install", see docs/updates.md).
func (d *Daemon) updateRoutes() {
	api.Handle(d.ctl, api.CatalogOutdated, func(ctx context.Context, _ api.None) (installer.OutdatedResult, error) {
		return d.newInstaller().Source.Outdated(ctx)
	})
	api.HandleStream(d.ctl, api.Update, func(ctx context.Context, p installer.UpdateParams, send func(installer.Progress) error) error {
		if p.Server == "" {
			return api.Errorf(api.ErrBadRequest, "update needs the name of a server.")
		}
		d.newInstaller().Update(ctx, p, func(pr installer.Progress) { send(pr) })
		return nil
	})
}

// CheckTools lists the tools of a new version before an update switches to it: started as
// `mcptray scan` starts a server (installer.ListToolsIsolated: confined, throwaway folder, placeholder
// secrets), scanned, and compared with the definitions the person last saw of this server.
func (r installRuntime) CheckTools(ctx context.Context, server string, next *config.Server) (installer.ToolCheck, error) {
	t := installer.ScanTarget{Name: server, Command: next.Command, Args: next.Args, Env: next.Env, Secrets: next.Secrets,
		Home: r.d.opts.Home, Frozen: next.Installed()}
	raws, err := installer.ListToolsIsolated(ctx, t)
	if errors.Is(err, installer.ErrScanUnconfined) {
		return installer.ToolCheck{}, installer.ErrCannotCheck
	}
	if err != nil {
		return installer.ToolCheck{}, err
	}
	seen := map[string]string{}
	for _, st := range r.d.guard.engine.Tools(server) {
		if !st.Removed {
			seen[st.Tool] = st.Fingerprint
		}
	}
	var tc installer.ToolCheck
	res := scanResult(raws)
	for _, f := range res.Findings {
		tc.Findings = append(tc.Findings, display.Line(f.Tool+": "+f.Sentence))
	}
	for _, raw := range raws {
		t, err := policy.ParseTool(raw)
		if err != nil {
			continue
		}
		tc.Tools = append(tc.Tools, t.Name)
		if fp, ok := seen[t.Name]; ok && fp != t.Fingerprint {
			tc.Changed = append(tc.Changed, t.Name)
		}
	}
	slices.Sort(tc.Changed)
	return tc, nil
}
