package installer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/prose"
)

// check finds the entry, plans it with the answers, picks the name and checks the clients,
// the name and the runtime. It changes nothing.
func (j *job) check(ctx context.Context) error {
	e, err := j.in.Source.Lookup(ctx, j.req.ID)
	if err != nil {
		return err
	}
	j.entry = e
	p, err := catalog.Plan(e, j.req.Values)
	if err != nil {
		return failure{answerSentence(err)}
	}
	j.plan = p
	if p.Remote != nil {
		if err := checkRemote(e.Title(), p); err != nil {
			return err
		}
	}
	if j.req.Plan != "" && j.req.Plan != PlanDigest(e, p) {
		return failf("What %s would run changed since you looked at it (its catalog entry changed), so nothing was installed; look at it again.", shownTitle(e))
	}
	hs := hazardsOf(e, p)
	if err := refuseHazards(e.Title(), hs, j.req.Allow); err != nil {
		return err
	}
	// What is saved as allowed is exactly what this plan needed, nothing the caller added.
	j.req.Allow = catalog.HazardKeys(hs)
	if j.name == "" {
		j.name = p.Name
	}
	if err := config.CheckName(j.name); err != nil {
		return failf("%s.", err)
	}
	if err := checkClients(j.req.Clients); err != nil {
		return err
	}
	cfg, err := j.in.Source.Home.Load()
	if err != nil {
		return fmt.Errorf("config.json has a problem, so nothing was installed: %w", err)
	}
	if _, taken := cfg.Servers[j.name]; taken {
		return nameTaken(j.name)
	}
	resolve := j.in.Resolve
	if resolve == nil {
		resolve = defaultResolve
	}
	if p.Remote == nil && !slices.ContainsFunc(j.needs(), func(c string) bool { return resolve(c) == nil }) {
		return failure{p.Runtime.InstallHint()}
	}
	if len(p.Secrets) > 0 && j.in.Keys == nil {
		return failf("%s needs secrets, but MCP Tray has no system keychain to keep them in.", shownTitle(e))
	}
	return nil
}

// answerSentence turns a planning error into the sentence to show: the catalog's errors
// already name the setting and what is wrong; the "planning the install of X" prefix is
// dropped.
func answerSentence(err error) string {
	msg := err.Error()
	if _, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "planning the install of ") {
		msg = rest
	}
	return prose.Sentence(errors.New(msg))
}

func nameTaken(name string) error {
	return failf("There is already a server named %q; install this one under another name, for example %s-2.", name, name)
}

// checkClients refuses an AI client id MCP Tray does not know.
func checkClients(ids []string) error {
	if _, err := clients.KnownIDs(ids); err != nil {
		return failf("%s.", err)
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
