package daemon

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/prose"
)

// limitRoutes serves policy.limit: the change goes to config.json through the same
// config.Server.ChangeLimit as the command line's offline path, and is in effect (the
// gate follows it) when the answer arrives.
func (d *Daemon) limitRoutes() {
	api.Handle(d.ctl, api.PolicyLimit, func(ctx context.Context, p api.LimitParams) (api.None, error) {
		if err := p.LimitChange.CheckFlags(); err != nil {
			return api.None{}, api.Errorf(api.ErrBadRequest, "%s", prose.Sentence(err))
		}
		err := d.updateServer(p.Name, func(s *config.Server) error { return s.ChangeLimit(p.LimitChange) })
		if errors.Is(err, config.ErrBadLimit) {
			return api.None{}, api.Errorf(api.ErrBadRequest, "%s", prose.Sentence(err))
		}
		if err == nil {
			d.reload() // the limit is in effect when the answer arrives, as sign-in's is
		}
		return api.None{}, err
	})
}

// limitLoosens reports whether a policy.limit request lets more through: a limit cleared, or
// one made looser than in the configuration in effect (config.LimitsLoosen). Params that do
// not decode, or a server not in effect, count as loosening (the handler refuses them anyway,
// or the server waits for the person's confirmation).
func (d *Daemon) limitLoosens(raw json.RawMessage) bool {
	var p api.LimitParams
	if json.Unmarshal(raw, &p) != nil {
		return true
	}
	s, ok := d.currentConfig().Servers[p.Name]
	if !ok {
		return true
	}
	before := s.Limits
	after := s.Clone()
	if after.ChangeLimit(p.LimitChange) != nil {
		return true
	}
	return config.LimitsLoosen(before, after.Limits)
}
