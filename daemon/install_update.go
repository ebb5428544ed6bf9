package daemon

import (
	"context"
	"encoding/json"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/installer"
)

// updateRoutes registers "catalog.outdated" (installed servers with a newer version) and the
// "update" stream (moves one server to it; lines as in "install").
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
		d.newInstaller().Update(ctx, p.Server, func(pr installer.Progress) { send(pr) })
		return nil
	})
}
