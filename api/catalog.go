package api

import "github.com/mcptray/mcptray/policy"

// The catalog: finding, scanning, installing and updating servers (docs/catalog-json.md).
// Its params and results are the installer's own types.

// ScanParams names the catalog entry catalog.scan starts and scans.
type ScanParams struct {
	ID string `json:"id"`
}

// ScanFinding is one flagged field of one tool.
type ScanFinding struct {
	Tool     string           `json:"tool"`
	Class    policy.ScanClass `json:"class"`
	Field    string           `json:"field"`
	Sentence string           `json:"sentence"` // one plain sentence, the server's text unescaped
}

// ScanResult is what catalog.scan found: how many tools, how many flagged, and the findings.
type ScanResult struct {
	Tools    int           `json:"tools"`
	Flagged  int           `json:"flagged"`
	Findings []ScanFinding `json:"findings"`
}
