package installer

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/prose"
)

// UpdateParams are the parameters of the "update" stream.
type UpdateParams struct {
	Server string `json:"server"`
}

// Update moves an installed server to the newest version Outdated finds: it plans the new
// version with the settings recorded at install (or, for servers installed before settings
// were recorded, replaces the version in the command), keeps the secrets in the keychain,
// restarts the server and waits for its tool list, through the relay, so the tool pins are
// checked again: a tool whose definition changed is blocked until the person reviews it
// (the done line names them). If the new version does not list its tools, the server is put
// back as it was. report is called on this goroutine; the last report is StepDone or
// StepFailed. It blocks until then.
func (in *Installer) Update(ctx context.Context, server string, report func(Progress)) ([]string, error) {
	say := func(step Step, format string, args ...any) {
		report(Progress{Step: step, Message: fmt.Sprintf(format, args...), Server: server})
	}
	fail := func(err error) ([]string, error) {
		msg := prose.Sentence(err)
		say(StepFailed, "%s", msg)
		return nil, failure{msg}
	}
	say(StepChecking, "Looking for a newer version of %s.", server)
	cfg, err := in.Source.Home.Load()
	if err != nil {
		return fail(err)
	}
	old := cfg.Servers[server]
	if old == nil {
		return fail(failf("There is no server named %q in MCP Tray.", server))
	}
	if old.Source == nil || old.Source.Catalog == "" {
		return fail(failf("%s was not installed from the catalog, so MCP Tray does not know its versions.", server))
	}
	off, err := in.Source.Offline()
	if err != nil {
		return fail(err)
	}
	o, ok, _ := newest(ctx, off, in.Source.Registry(), server, old.Source)
	if !ok {
		report(Progress{Step: StepDone, Server: server, Tools: []string{},
			Message: fmt.Sprintf("%s is already at the newest version MCP Tray knows (%s).", server, old.Source.Version)})
		return nil, nil
	}
	next, err := replan(o.entry, old)
	if err != nil {
		return fail(err)
	}
	title := firstNonEmptyString(o.Title, server)
	say(StepSaving, "Moving %s from version %s to %s.", title, old.Source.Version, o.Latest)
	prev := old.Clone()
	if err := in.Source.Home.Update(func(c *config.Config) error {
		s := c.Servers[server]
		if s == nil {
			return failf("The server %q was removed meanwhile.", server)
		}
		s.Command, s.Args, s.Env, s.Secrets = next.Command, next.Args, next.Env, next.Secrets
		s.Source.Version = o.Latest
		return nil
	}); err != nil {
		return fail(err)
	}
	say(StepStarting, "Restarting %s at version %s.", title, o.Latest)
	started := time.Now()
	in.Runtime.Forget(server)
	in.Runtime.Apply()
	tools, err := in.waitForTools(ctx, server, title, started, say)
	if err != nil {
		rerr := in.Source.Home.Update(func(c *config.Config) error {
			if c.Servers[server] != nil {
				c.Servers[server] = prev
			}
			return nil
		})
		in.Runtime.Apply()
		msg := strings.TrimSuffix(prose.Sentence(err), ".") + fmt.Sprintf("; %s stays at version %s.", server, old.Source.Version)
		if rerr != nil {
			msg = strings.TrimSuffix(prose.Sentence(err), ".") + fmt.Sprintf("; putting back version %s failed too (%v).", old.Source.Version, rerr)
		}
		say(StepFailed, "%s", msg)
		return nil, failure{msg}
	}
	msg := fmt.Sprintf("%s is now at version %s and works: it offers %d tools.", title, o.Latest, len(tools))
	if blocked := in.Runtime.Blocked(server); len(blocked) > 0 {
		msg += fmt.Sprintf(" %d changed since you last saw them and stay blocked until you review them: %s (mcptray policy review %s %s).",
			len(blocked), strings.Join(blocked, ", "), server, blocked[0])
	}
	report(Progress{Step: StepDone, Server: server, Tools: nonNil(tools), Message: msg})
	return tools, nil
}

// replan works out the new command of a server for entry: with the settings recorded at
// install when there are some, else by replacing the version in the old command. Secrets
// keep their names (their values stay in the keychain); a new version that needs a secret
// the server does not have is refused with a sentence saying how to add it.
func replan(e catalog.Entry, old *config.Server) (*config.Server, error) {
	next := old.Clone()
	values, recorded := sourceValues(old.Source)
	if !recorded {
		return repin(e, old)
	}
	answers := maps.Clone(values)
	qs, err := catalog.Questions(e)
	if err != nil {
		return nil, failure{answerSentence(err)}
	}
	for _, q := range qs {
		if q.Secret && slices.Contains(old.Secrets, q.Key) {
			answers[q.Key] = "kept-in-keychain" // only its name is used; the value stays put
		}
	}
	p, err := catalog.Plan(e, answers)
	if err != nil {
		return nil, failf("The new version needs settings this server does not have (%s); install it again under a new name instead.", strings.TrimSuffix(answerSentence(err), "."))
	}
	next.Command, next.Args, next.Env, next.Secrets = p.Command, p.Args, p.Env, nil
	for _, s := range p.Secrets {
		next.Secrets = append(next.Secrets, s.Env)
	}
	return next, nil
}

// repin replaces the installed version with the entry's in the argument that names the
// package, for servers installed before settings were recorded.
func repin(e catalog.Entry, old *config.Server) (*config.Server, error) {
	next := old.Clone()
	pkg, from, to := e.PackageName(), old.Source.Version, e.PackageVersion()
	for i, a := range next.Args {
		if pkg != "" && strings.Contains(a, pkg) && strings.HasSuffix(a, from) {
			next.Args[i] = strings.TrimSuffix(a, from) + to
			return next, nil
		}
	}
	return nil, failf("MCP Tray could not find version %s in the command of %s; install the new version again under a new name instead.", from, e.Title())
}

func firstNonEmptyString(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
