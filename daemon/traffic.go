package daemon

import (
	"context"

	"github.com/mcptray/mcptray/api"
)

// streamTraffic sends a server's recent traffic, then (with follow) each new message
// (gateway.TrafficLog).
func (d *Daemon) streamTraffic(ctx context.Context, p api.LogsParams, send func(api.TrafficRecord) error) error {
	if d.sup.Logs(p.Name) == nil {
		return api.Errorf(api.ErrNotFound, "There is no server named %q in MCP Tray.", p.Name)
	}
	return d.traffic.Stream(ctx, p.Name, p.Tail, p.Follow, send)
}
