package installer

import (
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

// PlanScanTarget is the server install plan p would add, as a scan target named name: its
// command, arguments and environment, and the names of its secrets, which get placeholders.
func PlanScanTarget(home config.Home, name string, p catalog.InstallPlan) ScanTarget {
	t := ScanTarget{Name: name, Command: p.Command, Args: p.Args, Env: p.Env, Home: home}
	for _, s := range p.Secrets {
		if s.Env != "" {
			t.Secrets = append(t.Secrets, s.Env)
		}
	}
	return t
}
