package daemon

import (
	"context"
	"encoding/json"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/policy"
)

// ScanParams are the parameters of "catalog.scan": the catalog entry to check.
type ScanParams struct {
	ID string `json:"id"`
}

// ScanFinding is one finding of a flagged tool, for the install window.
type ScanFinding struct {
	Tool     string           `json:"tool"`
	Class    policy.ScanClass `json:"class"`
	Field    string           `json:"field"`
	Sentence string           `json:"sentence"` // one plain sentence, the server's text unescaped
}

// ScanResult is what "catalog.scan" found: how many tools the server lists and the findings
// of its flagged tools (none when nothing is flagged).
type ScanResult struct {
	Tools    int           `json:"tools"`
	Flagged  int           `json:"flagged"`
	Findings []ScanFinding `json:"findings"`
}

// scanRoutes registers "catalog.scan": the server a catalog entry would install is started in
// its sandbox and a throwaway folder (ListToolsIsolated), its tools are listed and scanned,
// and it is stopped, so the install window can show the findings before the person confirms.
// It adds nothing and changes nothing; an error is one sentence for the person.
func (d *Daemon) scanRoutes() {
	d.ctl.Handle("catalog.scan", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ScanParams](raw)
		if err != nil {
			return nil, err
		}
		if p.ID == "" {
			return nil, &control.Error{Code: control.CodeBadRequest, Message: "catalog.scan needs the id of a catalog entry."}
		}
		t, err := CatalogScanTarget(ctx, d.opts.Home, p.ID)
		if err != nil {
			return nil, err
		}
		tools, err := ListToolsIsolated(ctx, t)
		if err != nil {
			return nil, err
		}
		return scanResult(tools), nil
	})
}

// scanResult scans every tool definition and keeps the findings of the flagged ones.
func scanResult(tools []json.RawMessage) ScanResult {
	res := ScanResult{Tools: len(tools), Findings: []ScanFinding{}}
	for _, raw := range tools {
		r := policy.ScanDefinition(raw)
		if !r.Flagged {
			continue
		}
		res.Flagged++
		for _, f := range r.Findings {
			res.Findings = append(res.Findings, ScanFinding{Tool: r.Tool, Class: f.Class, Field: f.Field, Sentence: f.Sentence()})
		}
	}
	return res
}
