package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
)

// updateRoutes registers "catalog.outdated" (installed servers with a newer version and what
// else each update changes) and the "update" stream (moves one server to it, or back with
// rollback; lines as in "install", see docs/updates.md).
func (d *Daemon) updateRoutes() {
	d.ctl.Handle("catalog.outdated", func(ctx context.Context, _ json.RawMessage) (any, error) {
		return d.newInstaller().Source.Outdated(ctx)
	})
	d.ctl.HandleStream("update", func(ctx context.Context, raw json.RawMessage, send func(any) error) error {
		p, err := decode[installer.UpdateParams](raw)
		if err != nil {
			return err
		}
		if p.Server == "" {
			return &control.Error{Code: control.CodeBadRequest, Message: "update needs the name of a server."}
		}
		d.newInstaller().Update(ctx, p, func(pr installer.Progress) { send(pr) })
		return nil
	})
}

// CheckTools lists the tools of a new version before an update switches to it: started as
// `mcptray scan` starts a server (ListToolsIsolated: confined, throwaway folder, placeholder
// secrets), scanned, and compared with the definitions the person last saw of this server.
func (r installRuntime) CheckTools(ctx context.Context, server string, next *config.Server) (installer.ToolCheck, error) {
	t := ScanTarget{Name: server, Command: next.Command, Args: next.Args, Env: next.Env, Secrets: next.Secrets,
		Home: r.d.opts.Home, Frozen: next.Installed()}
	raws, err := ListToolsIsolated(ctx, t)
	if errors.Is(err, ErrScanUnconfined) {
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
