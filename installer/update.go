package installer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/internal/prose"
)

// UpdateParams are the parameters of the "update" stream.
type UpdateParams struct {
	Server string `json:"server"`
	// Accept is UpdatePreview.Accept as the person saw it: their consent to every change
	// besides the version. An update with such changes is refused without it, and so is one
	// whose offer changed since (the digest then differs).
	Accept string `json:"accept,omitempty"`
	// Allow holds the HazardView keys of the new version the person allowed one by one.
	Allow []string `json:"allow,omitempty"`
	// AcceptFindings is Progress.Accept of a "review" line: the person saw what the scanner
	// found in the new version's tools and switches anyway.
	AcceptFindings string `json:"accept_findings,omitempty"`
	// Rollback returns the server to the definition it had before its last update.
	Rollback bool `json:"rollback,omitempty"`
}

// Update moves an installed server to the newest version Outdated finds (a built-in entry
// only to the built-in catalog's version, never to a registry entry of the same name). The
// version alone changes silently; any other change (package, registry, command, arguments,
// environment, secrets, hazards; see PreviewUpdate) needs p.Accept, and each new hazard its
// key in p.Allow. A server installed into MCP Tray's folder is built beside the old version
// (Installer.Store); a build that is not switched on is removed again. Before switching,
// the new version's tools are listed where it cannot harm (when the Runtime is a
// ToolChecker), scanned and compared with the definitions the person last saw: when the
// scanner flags one, the last line is StepReview with the findings and
// nothing switches unless p.AcceptFindings holds its Accept. Then config.json gets the new
// definition, keeping the old one in Server.Rollback (its files stay), the server restarts
// and its tool list comes through the relay, where a changed tool stays blocked until the
// person reviews it. If the new version does not list its tools, the server is put back.
// report is called on this goroutine; the last report is StepDone, StepReview or
// StepFailed. It blocks until then.
func (in *Installer) Update(ctx context.Context, p UpdateParams, report func(Progress)) ([]string, error) {
	server := p.Server
	say := func(step Step, format string, args ...any) {
		report(Progress{Step: step, Message: fmt.Sprintf(format, args...), Server: server})
	}
	fail := func(err error) ([]string, error) {
		msg := prose.Sentence(err)
		say(StepFailed, "%s", msg)
		return nil, failure{msg}
	}
	if p.Rollback {
		return in.rollback(ctx, server, report)
	}
	say(StepChecking, "Looking for a newer version of %s.", server)
	pv, err := in.Source.PreviewUpdate(ctx, server)
	if err != nil {
		return fail(err)
	}
	if !pv.Available {
		report(Progress{Step: StepDone, Server: server, Tools: []string{},
			Message: fmt.Sprintf("%s is already at the newest version MCP Tray knows (%s).", server, pv.Installed)})
		return nil, nil
	}
	if pv.Accept != "" && p.Accept != pv.Accept {
		msg := fmt.Sprintf("Version %s of %s changes more than the version, so nothing was changed: %s Look at the changes and accept them with: mcptray update %s",
			pv.Latest, server, changeSentences(pv.Changes), server)
		if p.Accept != "" {
			msg = fmt.Sprintf("The update of %s offered now is not the one you accepted, so nothing was changed; look at it again with: mcptray update %s", server, server)
		}
		report(Progress{Step: StepFailed, Server: server, Message: msg, Changes: pv.Changes})
		return nil, failure{msg}
	}
	for _, h := range pv.Hazards {
		if !slices.Contains(p.Allow, h.Key) {
			return fail(failf("Version %s of %s was not installed, because it asks for what you did not allow. %s", pv.Latest, server, HazardSentence(h)))
		}
	}
	next, old := pv.next, pv.old
	title := firstNonEmptyString(display.Line(pv.Title), server)
	if old.Frozen != nil {
		if err := in.buildBeside(ctx, server, pv, next, say); err != nil {
			return fail(err)
		}
		built := next.Frozen
		defer func() {
			// Not switched on (refused, held for review, or put back): nothing records the
			// new build, so it goes; the installed version and the rollback's stay.
			if cfg, err := in.Source.Home.Load(); err == nil && !usesBuild(cfg.Servers[server], built.Dir) {
				_ = in.Store.Remove(server, built.Version)
			}
		}()
	}
	if checker, ok := in.Runtime.(ToolChecker); ok {
		say(StepListing, "Checking the tools of version %s before switching to it.", pv.Latest)
		tc, err := checker.CheckTools(ctx, server, next)
		switch {
		case errors.Is(err, ErrCannotCheck):
			say(StepListing, "The tools of version %s cannot be looked at before switching here, so they are checked as it starts: a changed tool stays blocked until you review it.", pv.Latest)
		case err != nil:
			return fail(fmt.Errorf("the tools of version %s of %s could not be checked, so it stays at version %s: %w", pv.Latest, server, pv.Installed, err))
		case len(tc.Findings) > 0 && p.AcceptFindings != findingsDigest(pv.Latest, tc.Findings):
			msg := fmt.Sprintf("Version %s of %s is ready, but the scanner found something in its tools, so it was not switched on: %s Switch anyway with: mcptray update %s --accept-findings",
				pv.Latest, server, strings.Join(tc.Findings, " "), server)
			report(Progress{Step: StepReview, Server: server, Message: msg, Findings: tc.Findings, Accept: findingsDigest(pv.Latest, tc.Findings)})
			return nil, failure{msg}
		case len(tc.Changed) > 0:
			say(StepListing, "Version %s changes %d tools since you last saw them (%s); they stay blocked until you review them.",
				pv.Latest, len(tc.Changed), strings.Join(tc.Changed, ", "))
		}
	}
	// Allowed is exactly what the new version needs: each was allowed before or just now.
	next.Allowed = catalog.HazardKeys(hazardsOf(pv.entry, pv.plan))
	if len(next.Allowed) == 0 {
		next.Allowed = nil
	}
	say(StepSaving, "Moving %s from version %s to %s.", title, pv.Installed, pv.Latest)
	prev := old.Clone()
	var dropped *config.Server // the rollback this update replaces
	if err := in.Source.Home.Update(func(c *config.Config) error {
		s := c.Servers[server]
		if s == nil {
			return failf("The server %q was removed meanwhile.", server)
		}
		if !definitionOf(s).Equal(definitionOf(old)) {
			return failf("%s was changed meanwhile, so it stays at version %s; run the update again.", server, pv.Installed)
		}
		dropped = s.Rollback
		s.Rollback = definitionOf(s)
		setDefinition(s, next)
		s.Source.Version = pv.Latest
		return nil
	}); err != nil {
		return fail(err)
	}
	// Once it is switched on or put back: a bundle only the dropped rollback ran goes.
	defer PruneBundles(in.Source.Home, dropped)
	return in.restartAndWait(ctx, server, title, pv.Latest, pv.Installed, prev, report)
}

// restartAndWait restarts server after config.json got a new definition and waits for its
// tools; when they do not come, it puts prev back and says the server stays at oldVersion.
func (in *Installer) restartAndWait(ctx context.Context, server, title, version, oldVersion string, prev *config.Server, report func(Progress)) ([]string, error) {
	say := func(step Step, format string, args ...any) {
		report(Progress{Step: step, Message: fmt.Sprintf(format, args...), Server: server})
	}
	say(StepStarting, "Restarting %s at version %s.", title, version)
	started := time.Now()
	in.Runtime.Forget(server)
	in.Runtime.Apply()
	tools, err := in.waitForTools(ctx, server, title, false, started, say)
	if err != nil {
		rerr := in.Source.Home.Update(func(c *config.Config) error {
			if c.Servers[server] != nil {
				c.Servers[server] = prev
			}
			return nil
		})
		in.Runtime.Apply()
		msg := strings.TrimSuffix(prose.Sentence(err), ".") + fmt.Sprintf("; %s stays at version %s.", server, oldVersion)
		if rerr != nil {
			msg = strings.TrimSuffix(prose.Sentence(err), ".") + fmt.Sprintf("; putting back version %s failed too (%v).", oldVersion, rerr)
		}
		say(StepFailed, "%s", msg)
		return nil, failure{msg}
	}
	msg := fmt.Sprintf("%s is now at version %s and works: it offers %d tools.", title, version, len(tools))
	if blocked := in.Runtime.Blocked(server); len(blocked) > 0 {
		msg += fmt.Sprintf(" %d changed since you last saw them and stay blocked until you review them: %s (mcptray policy review %s %s).",
			len(blocked), strings.Join(blocked, ", "), server, blocked[0])
	}
	report(Progress{Step: StepDone, Server: server, Tools: nonNil(tools), Message: msg})
	return tools, nil
}

func changeSentences(cs []Change) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Sentence
	}
	return strings.Join(out, " ")
}

// replan works out the new command of a server for entry: with the settings recorded at
// install when there are some, else by replacing the version in the old command. Secrets
// keep their names (their values stay in the keychain); a new version that needs a secret
// the server does not have is refused with a sentence saying how to add it.
func replan(e catalog.Entry, old *config.Server) (*config.Server, catalog.InstallPlan, error) {
	next := old.Clone()
	values, recorded := sourceValues(old.Source)
	if !recorded {
		next, err := repin(e, old)
		if err != nil {
			return nil, catalog.InstallPlan{}, err
		}
		return next, catalog.InstallPlan{Runtime: runtimeOf(e), Command: next.Command, Args: next.Args, Env: next.Env}, nil
	}
	answers := maps.Clone(values)
	qs, err := catalog.Questions(e)
	if err != nil {
		return nil, catalog.InstallPlan{}, failure{answerSentence(err)}
	}
	for _, q := range qs {
		if q.Secret && slices.Contains(old.Secrets, q.Key) {
			answers[q.Key] = "kept-in-keychain" // only its name is used; the value stays put
		}
	}
	p, err := catalog.Plan(e, answers)
	if err != nil {
		return nil, catalog.InstallPlan{}, failf("The new version needs settings this server does not have (%s); install it again under a new name instead.", strings.TrimSuffix(answerSentence(err), "."))
	}
	if df := e.Meta.DataFile; df != nil && p.Env[df.Env] == "" && old.Env[df.Env] != "" {
		// The data file MCP Tray chose at install (dataFileEnv) stays where the data is.
		p.Env = maps.Clone(p.Env)
		if p.Env == nil {
			p.Env = map[string]string{}
		}
		p.Env[df.Env] = old.Env[df.Env]
	}
	next.Command, next.Args, next.Env, next.Secrets = p.Command, p.Args, p.Env, nil
	for _, s := range p.Secrets {
		next.Secrets = append(next.Secrets, s.Env)
	}
	return next, p, nil
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
	return nil, failf("MCP Tray could not find version %s in the command of %s; install the new version again under a new name instead.", from, shownTitle(e))
}

func firstNonEmptyString(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// usesBuild reports whether s runs, or can roll back to, the build in dir.
func usesBuild(s *config.Server, dir string) bool {
	if s == nil {
		return false
	}
	return s.Frozen != nil && s.Frozen.Dir == dir || s.Rollback != nil && s.Rollback.Frozen != nil && s.Rollback.Frozen.Dir == dir
}
