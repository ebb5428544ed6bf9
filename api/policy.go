package api

import (
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/policy"
)

// Approvals and policy: held calls, the person's rules and pinned tool definitions.

// ApproveParams answers a held call (approve; deny uses ID alone).
type ApproveParams struct {
	ID string `json:"id"`
	// Answer is "once" (the default), "session" or "always".
	Answer string `json:"answer,omitempty"`
}

// ApprovalParams names one waiting approval (approval.get).
type ApprovalParams struct {
	ID string `json:"id"`
}

// ApprovalsParams asks for one page of the approvals waiting (approvals). Limit 0 means
// policy.ListLimit, which is also the most a page holds.
type ApprovalsParams struct {
	Offset int `json:"offset,omitempty"`
	Limit  int `json:"limit,omitempty"`
}

// ApprovalsResult is one page of the approvals waiting, oldest first, with arguments and
// descriptions shortened (Approval.Truncated); approval.get has one whole. Total counts every
// approval waiting; the page starts at Offset.
type ApprovalsResult struct {
	Approvals []policy.Approval `json:"approvals"`
	Total     int               `json:"total"`
	Offset    int               `json:"offset"`
}

// ToolParams names one tool of one server. policy.accept needs Fingerprint: the code
// policy.review returned (PinReview.Fingerprint), or the whole PinReview.NewFingerprint.
type ToolParams struct {
	Name        string `json:"name"`
	Tool        string `json:"tool"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// RuleParams sets the person's rule for one tool (policy.set).
type RuleParams struct {
	Name string      `json:"name"`
	Tool string      `json:"tool"`
	Rule config.Rule `json:"rule"`
}

// TrustParams turns trust in every tool of a server on or off (policy.trust).
type TrustParams struct {
	Name  string `json:"name"`
	Trust bool   `json:"trust"`
}

// PolicyListResult lists a server's tools as policy sees them.
type PolicyListResult struct {
	Tools []policy.ToolStatus `json:"tools"`
}

// AuditParams selects audit.recent's records.
type AuditParams struct {
	// Limit is how many of the newest records to return: 0 means 200, at most 2000.
	Limit  int    `json:"limit"`
	Server string `json:"server,omitempty"`
}

// AuditResult is the answer of audit.recent: newest first.
type AuditResult struct {
	Entries []policy.AuditRecord `json:"entries"`
}
