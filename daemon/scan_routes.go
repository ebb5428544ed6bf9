package daemon

import (
	"context"
	"encoding/json"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/policy"
)

// scanRoutes registers api.CatalogScan: the server a catalog entry would install is started in
// its sandbox and a throwaway folder (installer.ListToolsIsolated), its tools are listed and scanned,
// and it is stopped, so the install window can show the findings before the person confirms.
// It adds nothing and changes nothing; an error is one sentence for the person.
func (d *Daemon) scanRoutes() {
	api.Handle(d.ctl, api.CatalogScan, func(ctx context.Context, p api.ScanParams) (api.ScanResult, error) {
		if p.ID == "" {
			return api.ScanResult{}, api.Errorf(api.ErrBadRequest, "catalog.scan needs the id of a catalog entry.")
		}
		t, err := installer.CatalogScanTarget(ctx, d.opts.Home, p.ID)
		if err != nil {
			return api.ScanResult{}, err
		}
		tools, err := installer.ListToolsIsolated(ctx, t)
		if err != nil {
			return api.ScanResult{}, err
		}
		return scanResult(tools), nil
	})
}

// scanResult scans every tool definition and keeps the findings of the flagged ones.
func scanResult(tools []json.RawMessage) api.ScanResult {
	res := api.ScanResult{Tools: len(tools), Findings: []api.ScanFinding{}}
	for _, raw := range tools {
		r := policy.ScanDefinition(raw)
		if !r.Flagged {
			continue
		}
		res.Flagged++
		for _, f := range r.Findings {
			res.Findings = append(res.Findings, api.ScanFinding{Tool: r.Tool, Class: f.Class, Field: f.Field, Sentence: f.Sentence()})
		}
	}
	return res
}
