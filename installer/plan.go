package installer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/mcptray/mcptray/bundle"
	"github.com/mcptray/mcptray/catalog"
)

// Plan works out exactly what installing p would run, for the person to see before they
// agree: the command and every argument, the non-secret environment, the names of the
// secrets, the hazards that need their consent one by one, and whether a registry entry
// only looks like a built-in one. It changes nothing and blocks for at most one registry
// request (a registry name not found offline) and, for a registry entry that is a bundle,
// its download; a bundle id (bundle.ID) is planned from its file. Its errors are sentences
// for a person.
func (in *Installer) Plan(ctx context.Context, p PlanParams) (PlanView, error) {
	if _, _, ok := bundle.ParseID(p.ID); ok {
		v, err := in.planBundle(ctx, p.ID, p)
		v.Origin = OriginBundle
		return v, err
	}
	e, err := in.Source.Lookup(ctx, p.ID)
	if err != nil {
		return PlanView{}, err
	}
	if ref, ok, err := catalog.BundleOf(e); ok {
		// Its command comes from the bundle's manifest: download it (as install does, which
		// checks the same sha256) and plan from the file.
		if err != nil {
			return PlanView{}, failf("%s cannot be installed: %s", shownTitle(e), answerSentence(err))
		}
		file, err := FetchBundle(ctx, in.Source.Home, ref, in.Source.HTTPClient)
		if err != nil {
			return PlanView{}, err
		}
		return in.planBundle(ctx, bundle.IDPrefix+"sha256:"+ref.SHA256+":"+file, p)
	}
	plan, err := catalog.Plan(e, p.Values)
	if err != nil {
		return PlanView{}, failure{answerSentence(err)}
	}
	if plan.Remote != nil {
		if err := checkRemote(e.Title(), plan); err != nil {
			return PlanView{}, err
		}
	}
	v := planView(e, plan, p.Name)
	v.Frozen, v.Pinned = v.Frozen && in.Store != nil, v.Pinned && in.Store != nil
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
	if pkg, _, ok := FreezePlan(e, plan); ok {
		v.Frozen, v.Pinned = pkg.Registry != "oci", pkg.Registry == "oci"
	}
	if len(plan.Env) > 0 {
		v.Env = plan.Env
	}
	v.Secrets = secretKeys(plan)
	slices.Sort(v.Secrets)
	if plan.Remote != nil {
		r := remoteDefinition(plan)
		v.URL, v.Transport, v.Headers = r.URL, r.Transport, r.Headers
	}
	v.Digest = PlanDigest(e, plan)
	return v
}

// PlanDigest names what installing e with plan runs and needs consent for: the entry's name,
// origin and version, the command, every argument, the environment, the secrets' names (never
// their values) and the hazards. Two plans with the same digest run the same thing.
func PlanDigest(e catalog.Entry, plan catalog.InstallPlan) string {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s\n", len(s), s) }
	field(e.Server.Name)
	field(originName(e.Origin))
	field(plan.Version)
	field(string(plan.Runtime))
	field(plan.Command)
	for _, a := range plan.Args {
		field("arg " + a)
	}
	for _, k := range slices.Sorted(maps.Keys(plan.Env)) {
		field("env " + k + "=" + plan.Env[k])
	}
	for _, k := range secretKeys(plan) {
		field("secret " + k)
	}
	if plan.Remote != nil {
		// Where a remote server is, and what it is sent, is what runs.
		r := remoteDefinition(plan)
		field("url " + r.URL)
		field("transport " + r.Transport)
		for _, k := range slices.Sorted(maps.Keys(r.Headers)) {
			field("header " + k + ": " + r.Headers[k])
		}
	}
	for _, k := range catalog.HazardKeys(hazardsOf(e, plan)) {
		field("hazard " + k)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
