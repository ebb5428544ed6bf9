package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/policy"
)

// DefaultApprovalTimeout is how long a held call waits for the person: MCP clients commonly
// give up on a request after 60 s, so the answer must come before that.
const DefaultApprovalTimeout = 55 * time.Second

// guard holds the policy machinery: rules and pins (engine), held calls (broker), and the
// audit log, whose only writer is the goroutine started by openPolicy.
type guard struct {
	engine *policy.Engine
	broker *policy.Broker
	audit  *policy.AuditLog
	record chan policy.AuditEntry
	done   chan struct{}
	// kube says which context a Kubernetes server's call runs in (see kubeBook.scope);
	// ok is false for other servers.
	kube func(server, session string) (context string, production, ok bool)
	// kubeNamespace is the namespace a Kubernetes server is limited to, "" for none.
	kubeNamespace func(server string) string
	// endKube forgets a bridge session's context.
	endKube func(session string)
	// keyed is closed once the audit key was read from the keychain (or could not be).
	keyed chan struct{}
}

// openPolicy opens the pins and the audit log in the home and starts the audit writer.
func (d *Daemon) openPolicy() error {
	pins, err := policy.OpenPins(filepath.Join(string(d.opts.Home), "pins.json"), policy.PinOptions{Redact: func(b []byte) []byte { return d.secrets.red.Redact(b) }})
	if err != nil {
		return fmt.Errorf("reading MCP Tray's tool pins: %w", err)
	}
	redact := func(b []byte) []byte { return d.secrets.red.Redact(b) }
	audit, err := policy.OpenAudit(d.opts.Home.AuditDir(), policy.AuditOptions{Redact: redact})
	if err != nil {
		return fmt.Errorf("opening the audit log: %w", err)
	}
	scoped := newScopedGrants(d.opts.Home)
	saved, err := scoped.load()
	if err != nil {
		d.log.Warn("always-allow choices for Kubernetes contexts not read", "err", err)
	}
	grants := policy.NewGrants(saved, func(g policy.AlwaysGrant) error {
		if g.Scope != "" { // bound to a Kubernetes context: config.json rules have none
			return scoped.add(g)
		}
		return d.saveAlways(g)
	})
	// The person's approval timeout is set by each reload of config.json (Broker.SetTimeout).
	g := &guard{
		engine: policy.NewEngine(policy.EngineOptions{Pins: pins, Grants: grants}),
		broker: policy.NewBroker(policy.BrokerOptions{Timeout: DefaultApprovalTimeout, Grants: grants, Redact: redact}),
		audit:  audit,
		record: make(chan policy.AuditEntry, 4096),
		done:   make(chan struct{}),
		kube: func(server, session string) (string, bool, bool) {
			if d.kube == nil {
				return "", false, false
			}
			return d.kube.scope(server, session)
		},
		kubeNamespace: func(server string) string {
			if d.kube == nil {
				return ""
			}
			return d.kube.namespace(server)
		},
		endKube: func(session string) {
			if d.kube != nil {
				d.kube.endSession(session)
			}
		},
	}
	g.keyed = make(chan struct{})
	go d.sealAudit(audit, g.keyed)
	go func() {
		defer close(g.done)
		// Whatever queued up while the last batch was written goes in one write.
		batch := make([]policy.AuditEntry, 0, 64)
		for e := range g.record {
			batch = append(batch[:0], e)
		drain:
			for len(batch) < cap(batch) {
				select {
				case e, ok := <-g.record:
					if !ok {
						break drain
					}
					batch = append(batch, e)
				default:
					break drain
				}
			}
			if err := g.audit.AppendBatch(batch); err != nil {
				d.log.Error("writing the audit log", "err", err)
			}
		}
	}()
	d.guard = g
	return nil
}

// auditKeyTimeout bounds the wait for the keychain at start (an unlock prompt may be showing).
const auditKeyTimeout = 2 * time.Minute

// sealAudit reads (or, the first time, makes) the key that seals the audit log's head mark
// from the keychain and hands it to the log, then closes done. It runs beside the daemon's
// start so that a keychain waiting for an unlock prompt delays nothing: until the key comes, a
// head sealed before is left alone (Verify then counts the new lines as unsealed). Without a
// keychain the head is not sealed, and `mcptray audit verify` says it could only check the
// chain.
func (d *Daemon) sealAudit(audit *policy.AuditLog, done chan struct{}) {
	defer close(done)
	if d.opts.Keys == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), auditKeyTimeout)
	defer cancel()
	key, err := policy.AuditKey(ctx, d.opts.Keys, d.opts.Home.AuditDir(), true)
	if err != nil {
		d.log.Warn("the audit log's end is not sealed: its key could not be read from the keychain", "err", err)
		return
	}
	if err := audit.SetKey(key); err != nil {
		d.log.Error("sealing the audit log", "err", err)
	}
}

// closePolicy flushes and closes the audit log; no call may be relayed afterwards.
func (d *Daemon) closePolicy() {
	close(d.guard.record)
	<-d.guard.done
	<-d.guard.keyed // bounded by the keychain's own timeout
	d.guard.audit.Close()
}

// rules turns config.json's policies into the engine's rules.
func rules(cfg *config.Config) map[string]policy.ServerRules {
	out := map[string]policy.ServerRules{}
	for name, s := range cfg.Servers {
		if s.Policy == nil {
			continue
		}
		sr := policy.ServerRules{Trust: s.Policy.Trust, Tools: map[string]policy.Rule{}}
		for tool, r := range s.Policy.Tools {
			sr.Tools[tool] = policy.Rule(r)
		}
		out[name] = sr
	}
	return out
}

// saveAlways records "always allow this tool" as the person's allow rule in config.json. A
// grant bound to a Kubernetes context goes to kube/grants.json instead (see scopedGrants).
func (d *Daemon) saveAlways(g policy.AlwaysGrant) error {
	return d.opts.Home.Update(func(c *config.Config) error {
		s, ok := c.Servers[g.Server]
		if !ok {
			return fmt.Errorf("the server %q is no longer configured", g.Server)
		}
		s.EnsurePolicy().Tools[g.Tool] = config.RuleAllow
		return nil
	})
}

// The gateway.Gate the relay consults for every tool call.

func (g *guard) Call(s *gateway.Session, tool string, args json.RawMessage) gateway.CallVerdict {
	call := policy.Call{Client: s.Client, App: s.App, Session: s.ID, Server: s.Server, Tool: tool, Arguments: args}
	call.Scope, call.Production, call.Kube = g.kube(s.Server, s.ID)
	if call.Kube {
		call.Namespace = g.kubeNamespace(s.Server)
	}
	v := g.engine.Decide(call)
	arrived := time.Now()
	finished := func(d policy.Decision) func(gateway.CallOutcome, time.Duration) {
		return func(o gateway.CallOutcome, took time.Duration) {
			g.record <- policy.AuditEntry{Time: arrived, Call: call, Decision: d, Duration: took, Outcome: policy.CallOutcome(o)}
		}
	}
	verdict := func(d policy.Decision) gateway.CallVerdict {
		switch d.Outcome {
		case policy.Allowed:
			return gateway.CallVerdict{Allow: true, Finished: finished(d)}
		case policy.Denied:
			return gateway.CallVerdict{Message: d.Message, Finished: finished(d)}
		default: // withdrawn: the client cancelled or left
			return gateway.CallVerdict{Finished: finished(d)}
		}
	}
	if v.Rule != policy.RuleAsk {
		return verdict(v.Decision())
	}
	return gateway.CallVerdict{Ask: func(ctx context.Context) gateway.CallVerdict {
		d, err := g.broker.Ask(ctx, policy.Request{Call: call, Verdict: v})
		if err != nil {
			d = policy.Decision{Outcome: policy.Denied, DecidedBy: policy.ByRule, Reason: err.Error(),
				Message: "Denied by MCP Tray: it could not ask you about this call (" + err.Error() + ")"}
		}
		return verdict(d)
	}}
}

func (g *guard) Tools(s *gateway.Session, result json.RawMessage, complete bool) json.RawMessage {
	g.kube(s.Server, s.ID) // a session's context is the one it first saw
	// A list MCP Tray cannot read is never passed on as it is: nothing in it was pinned,
	// scanned or hidden. The client gets an empty list instead (the relay's strict reader
	// refuses such lists before they get here; this is the gate's own floor).
	tools, _, err := policy.ParseToolsList(result)
	if err != nil {
		return json.RawMessage(`{"tools":[]}`)
	}
	g.engine.ObserveTools(s.Server, tools, complete)
	out, err := policy.HideTools(result, func(name string) bool { return g.engine.Hidden(s.Server, name) })
	if err != nil {
		return json.RawMessage(`{"tools":[]}`)
	}
	return out
}

func (g *guard) End(s *gateway.Session) {
	g.engine.Grants().EndSession(s.ID)
	g.endKube(s.ID)
}

// The control API for approvals and policy.

// ApproveParams answers a held call.
type ApproveParams struct {
	ID string `json:"id"`
	// Answer is "once" (the default), "session" or "always"; DenyParams uses ID alone.
	Answer string `json:"answer,omitempty"`
}

// ToolParams names one tool of one server. policy.accept needs Fingerprint: the code
// policy.review returned (PinReview.Fingerprint), or the whole PinReview.NewFingerprint.
type ToolParams struct {
	Name        string `json:"name"`
	Tool        string `json:"tool"`
	Fingerprint string `json:"fingerprint,omitempty"`
}

// TrustParams turns trust in every tool of a server on or off (policy.trust).
type TrustParams struct {
	Name  string `json:"name"`
	Trust bool   `json:"trust"`
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

// ApprovalParams names one waiting approval (approval.get).
type ApprovalParams struct {
	ID string `json:"id"`
}

// PolicyListResult lists a server's tools as policy sees them.
type PolicyListResult struct {
	Tools []policy.ToolStatus `json:"tools"`
}

func (d *Daemon) policyRoutes() {
	c := d.ctl
	c.Handle("approvals", func(ctx context.Context, raw json.RawMessage) (any, error) {
		var p ApprovalsParams
		if len(raw) > 0 && string(raw) != "null" {
			var err error
			if p, err = decode[ApprovalsParams](raw); err != nil {
				return nil, err
			}
		}
		page, total := d.guard.broker.Page(p.Offset, p.Limit)
		return ApprovalsResult{Approvals: nonNilApprovals(page), Total: total, Offset: max(p.Offset, 0)}, nil
	})
	c.Handle("approval.get", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ApprovalParams](raw)
		if err != nil {
			return nil, err
		}
		a, ok := d.guard.broker.Get(p.ID)
		if !ok {
			return nil, &control.Error{Code: control.CodeNotFound, Message: fmt.Sprintf("No call with the id %q is waiting for an answer.", p.ID)}
		}
		return a, nil
	})
	c.HandleStream("approvals.watch", func(ctx context.Context, _ json.RawMessage, send func(any) error) error {
		snap, ch, cancel := d.guard.broker.Subscribe()
		defer cancel()
		for _, a := range snap {
			if err := send(policy.Event{Kind: policy.ApprovalAdded, Approval: a}); err != nil {
				return err
			}
		}
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case ev, ok := <-ch:
				if !ok {
					return fmt.Errorf("approvals moved too fast to follow; run the command again")
				}
				if err := send(ev); err != nil {
					return err
				}
			}
		}
	})
	c.Handle("approve", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ApproveParams](raw)
		if err != nil {
			return nil, err
		}
		answer := map[string]policy.Answer{"": policy.AllowOnce, "once": policy.AllowOnce, "session": policy.AllowSession, "always": policy.AlwaysAllow}[p.Answer]
		if answer == 0 {
			return nil, &control.Error{Code: control.CodeBadRequest, Message: fmt.Sprintf("%q is not an answer: use once, session or always.", p.Answer)}
		}
		return nil, approvalError(d.guard.broker.Answer(p.ID, answer))
	})
	c.Handle("deny", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ApproveParams](raw)
		if err != nil {
			return nil, err
		}
		return nil, approvalError(d.guard.broker.Answer(p.ID, policy.Deny))
	})
	c.Handle("policy.list", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[NameParams](raw)
		if err != nil {
			return nil, err
		}
		tools := d.guard.engine.Tools(p.Name)
		if tools == nil {
			tools = []policy.ToolStatus{}
		}
		return PolicyListResult{Tools: tools}, nil
	})
	c.Handle("policy.review", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ToolParams](raw)
		if err != nil {
			return nil, err
		}
		return d.guard.engine.ReviewPin(p.Name, p.Tool)
	})
	c.Handle("policy.accept", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[ToolParams](raw)
		if err != nil {
			return nil, err
		}
		err = d.guard.engine.AcceptPin(p.Name, p.Tool, p.Fingerprint)
		switch {
		case errors.Is(err, policy.ErrNoFingerprint):
			return nil, &control.Error{Code: control.CodeBadRequest, Message: "Say which reviewed definition to accept: run `mcptray policy review SERVER TOOL` first and copy the code it shows."}
		case errors.Is(err, policy.ErrPinMovedOn):
			return nil, &control.Error{Code: control.CodeFailed, Message: fmt.Sprintf("%s of %s changed again since you reviewed it, so nothing was accepted: review it again (mcptray policy review %s %s).", p.Tool, p.Name, p.Name, p.Tool)}
		}
		return nil, err
	})
	c.Handle("policy.trust", func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := decode[TrustParams](raw)
		if err != nil {
			return nil, err
		}
		return nil, d.updateServer(p.Name, func(s *config.Server) error { s.SetTrust(p.Trust); return nil })
	})
}

func nonNilApprovals(a []policy.Approval) []policy.Approval {
	if a == nil {
		return []policy.Approval{}
	}
	return a
}

// approvalError gives "no such approval" a stable code.
func approvalError(err error) error {
	if err != nil && strings.Contains(strings.ToLower(err.Error()), "no approval") {
		return &control.Error{Code: control.CodeNotFound, Message: err.Error()}
	}
	return err
}
