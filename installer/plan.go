package installer

import (
	"context"
	"slices"

	"github.com/mcptray/mcptray/catalog"
)

// Plan works out exactly what installing p would run, for the person to see before they
// agree: the command and every argument, the non-secret environment, the names of the
// secrets, the hazards that need their consent one by one, and whether a registry entry
// only looks like a built-in one. It changes nothing and blocks for at most one registry
// request (a registry name not found offline). Its errors are sentences for a person.
func (in *Installer) Plan(ctx context.Context, p PlanParams) (PlanView, error) {
	e, err := in.Source.Lookup(ctx, p.ID)
	if err != nil {
		return PlanView{}, err
	}
	if len(e.Server.Packages) == 0 {
		return PlanView{}, failf("%s runs on a web server elsewhere, and MCP Tray cannot install such servers yet.", e.Title())
	}
	plan, err := catalog.Plan(e, p.Values)
	if err != nil {
		return PlanView{}, failure{answerSentence(err)}
	}
	v := planView(e, plan, p.Name)
	v.Frozen = v.Frozen && in.Store != nil
	return v, nil
}

func planView(e catalog.Entry, plan catalog.InstallPlan, name string) PlanView {
	if name == "" {
		name = plan.Name
	}
	v := PlanView{
		Server: name, Command: plan.Command, Args: nonNil(plan.Args), Origin: originName(e.Origin),
		Hazards: HazardViews(hazardsOf(e, plan)), LookAlike: catalog.LookAlike(e),
	}
	_, _, v.Frozen = FreezePlan(e, plan)
	if len(plan.Env) > 0 {
		v.Env = plan.Env
	}
	for _, s := range plan.Secrets {
		v.Secrets = append(v.Secrets, s.Env)
	}
	slices.Sort(v.Secrets)
	return v
}
