// Package gate is MCP Tray's gateway.Gate, the one place a relayed tool call is decided: by
// the policy (rules, pins, grants, and the person's answer through the broker), then by the
// guardrails of config.json (limits, data-loss checks, Rails); each call gets a telemetry span
// and, once it has ended, one audit entry. Tool lists pass through the policy engine (pins,
// scanning, hidden tools) on their way to the AI app. The daemon builds one Gate and gives it
// to every relay and hub.
package gate

import (
	"context"
	"encoding/json"
	"time"

	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/telemetry"
)

// Options are what a Gate decides with.
type Options struct {
	Engine *policy.Engine // rules, pins, grants
	Broker *policy.Broker // holds the calls that wait for the person
	// Record queues one audit entry; it is called once per call, when the call has ended, or
	// refused. It must not wait for the disk (the daemon's audit writer batches).
	Record func(policy.AuditEntry)
	// Kube says which context a Kubernetes server's call runs in, and whether it is a
	// production one; ok is false for other servers. nil: there are none.
	Kube func(server, session string) (context string, production, ok bool)
	// KubeNamespace is the namespace a Kubernetes server is limited to, "" for none.
	KubeNamespace func(server string) string
	// EndKube forgets a session's context.
	EndKube func(session string)
	// Rails are config.json's limits and data-loss checks; nil applies none.
	Rails *Rails
}

// Gate decides the tool calls of every session. Safe for concurrent use.
type Gate struct{ o Options }

// New returns a Gate deciding with o.
func New(o Options) *Gate {
	if o.Kube == nil {
		o.Kube = func(string, string) (string, bool, bool) { return "", false, false }
	}
	if o.KubeNamespace == nil {
		o.KubeNamespace = func(string) string { return "" }
	}
	if o.EndKube == nil {
		o.EndKube = func(string) {}
	}
	if o.Record == nil {
		o.Record = func(policy.AuditEntry) {}
	}
	return &Gate{o: o}
}

// Call decides one tool call (gateway.Gate).
func (g *Gate) Call(s *gateway.Session, tool string, args json.RawMessage) gateway.CallVerdict {
	return g.CallTraced(s, tool, args, "")
}

// CallTraced is Call with the trace context the AI app sent (gateway.TracedGate): the call's
// span continues it when telemetry is on.
func (g *Gate) CallTraced(s *gateway.Session, tool string, args json.RawMessage, traceparent string) gateway.CallVerdict {
	rails := g.o.Rails.now(s.Server) // the configuration is read once per call
	c := &callRun{g: g, call: policy.Call{Client: s.Client, App: s.App, Session: s.ID, Server: s.Server, Host: rails.host(), Tool: tool, Arguments: args}}
	call := &c.call
	call.Scope, call.Production, call.Kube = g.o.Kube(s.Server, s.ID)
	if call.Kube {
		call.Namespace = g.o.KubeNamespace(s.Server)
	}
	v := g.o.Engine.Decide(*call)
	c.arrived = time.Now()
	if v.Rule != policy.RuleDeny {
		c.railed = rails.apply(call, v)
		v = c.railed.verdict
	}
	if t := rails.telemetry(); t != nil { // the tool's name without the secrets the daemon holds: a server may put one in it
		c.span = t.StartCall(c.arrived, traceparent, telemetry.CallInfo{App: s.App, Client: s.Client, Server: s.Server, Tool: rails.shown(tool)})
	}
	if c.railed.refused != nil {
		return c.verdict(*c.railed.refused)
	}
	if v.Rule != policy.RuleAsk {
		return c.verdict(v.Decision())
	}
	return gateway.CallVerdict{Ask: func(ctx context.Context) gateway.CallVerdict {
		d, err := g.o.Broker.Ask(ctx, policy.Request{Call: *call, Verdict: v})
		if err != nil {
			d = policy.Decision{Outcome: policy.Denied, DecidedBy: policy.ByRule, Reason: err.Error(),
				Message: "Denied by MCP Tray: it could not ask you about this call (" + err.Error() + ")"}
		}
		if d.Outcome == policy.Allowed && call.Kube {
			d = g.contextUnchanged(d, *call)
		}
		return c.verdict(d)
	}}
}

// callRun is one call from its decision to its end. It is the call's one allocation: what the
// end needs (the span, the rails' ticket and note, the audit entry's fields) is kept here
// rather than in closures that would each be another.
type callRun struct {
	g       *Gate
	call    policy.Call
	arrived time.Time
	railed  railVerdict
	span    *telemetry.Call
	d       policy.Decision // the decision, set once by verdict
}

// verdict is the relay's verdict for decision d, d recorded for the call's end.
func (c *callRun) verdict(d policy.Decision) gateway.CallVerdict {
	c.d = d
	switch {
	case c.railed.refused != nil:
		return gateway.CallVerdict{Message: d.Message, Finished: c.finished}
	case d.Outcome == policy.Allowed:
		return gateway.CallVerdict{Allow: true, Finished: c.finished, Timeout: c.railed.ticket.TimeLimit(), Traceparent: c.span.Traceparent(), Result: c.railed.result}
	case d.Outcome == policy.Denied:
		return gateway.CallVerdict{Message: d.Message, Finished: c.finished}
	default: // withdrawn: the client cancelled or left
		return gateway.CallVerdict{Finished: c.finished}
	}
}

// finished ends the call's span, frees its places under the caps and records its audit entry
// (gateway.CallVerdict.Finished).
func (c *callRun) finished(o gateway.CallOutcome, took time.Duration) {
	d := c.d
	c.span.End(string(d.Outcome), string(d.DecidedBy), string(o), d.Waited, took)
	c.railed.ticket.Done()
	note := c.railed.note
	if o == gateway.CallTimedOut {
		note = timedOutNote(c.railed.ticket.TimeLimit(), note)
	}
	c.g.o.Record(policy.AuditEntry{Time: c.arrived, Call: c.call, Decision: d, Duration: took, Outcome: policy.CallOutcome(o), Note: note})
}

// contextUnchanged is d, the person's yes to a Kubernetes server's call, unless the server's
// context (or namespace limit) moved while the call waited for it: the person approved the call as shown (its
// context, production or not), and a server that reads its kubeconfig at each call would run
// it where the context now points (red team: approved on staging, run on production after
// `kube use … prod --yes`). Then the call is denied, to be asked again.
func (g *Gate) contextUnchanged(d policy.Decision, call policy.Call) policy.Decision {
	scope, production, ok := g.o.Kube(call.Server, call.Session)
	if ok && scope == call.Scope && (!production || call.Production) && g.o.KubeNamespace(call.Server) == call.Namespace {
		return d
	}
	return policy.Decision{Outcome: policy.Denied, DecidedBy: policy.ByRule, Waited: d.Waited,
		Reason:  "the server's Kubernetes context changed while the call waited",
		Message: "Denied by MCP Tray: the Kubernetes context of this server changed while you were being asked; send the call again to be asked about the new context."}
}

// Tools pins, scans and hides the tools of a tools/list answer on its way to the AI app
// (gateway.Gate).
func (g *Gate) Tools(s *gateway.Session, result json.RawMessage, complete bool) json.RawMessage {
	g.o.Kube(s.Server, s.ID) // a session's context is the one it first saw
	// A list MCP Tray cannot read is never passed on as it is: nothing in it was pinned,
	// scanned or hidden. The client gets an empty list instead (the relay's strict reader
	// refuses such lists before they get here; this is the gate's own floor).
	tools, _, err := policy.ParseToolsList(result)
	if err != nil {
		return json.RawMessage(`{"tools":[]}`)
	}
	g.o.Engine.ObserveTools(s.Server, tools, complete)
	out, err := policy.HideTools(result, func(name string) bool { return g.o.Engine.Hidden(s.Server, name) })
	if err != nil {
		return json.RawMessage(`{"tools":[]}`)
	}
	return out
}

// End forgets what a session was granted and the Kubernetes context it saw.
func (g *Gate) End(s *gateway.Session) {
	g.o.Engine.Grants().EndSession(s.ID)
	g.o.EndKube(s.ID)
}
