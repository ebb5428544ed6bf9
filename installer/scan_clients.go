package installer

import (
	"github.com/mcptray/mcptray/clients/reconcile"
)

// ClientScanTargets are the servers a person configured by hand in an AI client (those an
// import would take over, reconcile.PlanImport), and the entries that cannot be scanned with
// why. It only reads.
func ClientScanTargets(opts reconcile.ImportOptions, id string) ([]ScanTarget, []reconcile.ImportSkip, error) {
	plan, err := reconcile.PlanImport(opts, id)
	if err != nil {
		return nil, nil, err
	}
	var out []ScanTarget
	for _, s := range plan.Servers {
		if s.Same {
			continue
		}
		out = append(out, ScanTarget{Name: s.Name, Command: s.Server.Command, Args: s.Server.Args, Env: s.Server.Env, Secrets: s.Server.Secrets, Home: opts.Home})
	}
	return out, plan.Skipped, nil
}
