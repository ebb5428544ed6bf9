package gate

import (
	"encoding/json"
	"time"

	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/policy"
)

// Refused records in the audit log a tool call the relay refused before asking policy: one
// without a usable id, one beyond the bound of held calls, one to a tool the server listed
// twice. The call never reached the server; reason is the plain sentence the audit shows.
func (g *Gate) Refused(s *gateway.Session, tool string, args json.RawMessage, reason string) {
	call := policy.Call{Client: s.ClientName(), Session: s.ID, Server: s.Server, Host: g.o.Rails.now(s.Server).host(), Tool: tool, Arguments: args}
	g.o.Record(policy.AuditEntry{Time: time.Now(), Call: call, Outcome: policy.CallNotRun,
		Decision: policy.Decision{Outcome: policy.Denied, DecidedBy: policy.ByRule, Reason: reason}})
}
