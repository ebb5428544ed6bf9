package installer

import (
	"context"
	"fmt"

	"github.com/mcptray/mcptray/config"
)

// rollback puts back the definition a server had before its last update (Server.Rollback)
// in one step, and keeps the definition it replaces as the new Rollback, so nothing either
// needs is removed: no secret, no built version. The server restarts and must list its
// tools; if it does not, the server is put back as it was.
func (in *Installer) rollback(ctx context.Context, server string, report func(Progress)) ([]string, error) {
	say := func(step Step, format string, args ...any) {
		report(Progress{Step: step, Message: fmt.Sprintf(format, args...), Server: server})
	}
	fail := func(err error) ([]string, error) {
		msg := err.Error()
		say(StepFailed, "%s", msg)
		return nil, failure{msg}
	}
	say(StepChecking, "Looking for the version of %s before its last update.", server)
	cfg, err := in.Source.Home.Load()
	if err != nil {
		return fail(err)
	}
	cur := cfg.Servers[server]
	switch {
	case cur == nil:
		return fail(failf("There is no server named %q in MCP Tray.", server))
	case cur.Rollback == nil:
		return fail(failf("%s has no earlier version to go back to: it was not updated by this MCP Tray.", server))
	}
	from, to := versionOf(cur), versionOf(cur.Rollback)
	say(StepSaving, "Putting %s back from version %s to %s.", server, from, to)
	prev := cur.Clone()
	if err := in.Source.Home.Update(func(c *config.Config) error {
		s := c.Servers[server]
		if s == nil || s.Rollback == nil {
			return failf("%s changed meanwhile; nothing was changed.", server)
		}
		back := s.Rollback
		s.Rollback = definitionOf(s)
		setDefinition(s, back)
		return nil
	}); err != nil {
		return fail(err)
	}
	return in.restartAndWait(ctx, server, server, to, from, prev, report)
}

func versionOf(s *config.Server) string {
	switch {
	case s.Source != nil && s.Source.Version != "":
		return s.Source.Version
	case s.Frozen != nil:
		return s.Frozen.Version
	}
	return "unknown"
}
