package daemon

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/dlp"
	"github.com/mcptray/mcptray/evidence"
	"github.com/mcptray/mcptray/gate"
	"github.com/mcptray/mcptray/internal/bus"
	"github.com/mcptray/mcptray/kube/reconcile"
	"github.com/mcptray/mcptray/policy"
)

// DefaultApprovalTimeout is how long a held call waits for the person: MCP clients commonly
// give up on a request after 60 s, so the answer must come before that.
const DefaultApprovalTimeout = 55 * time.Second

// guard holds the policy machinery: the gate every relay consults (package gate), rules and
// pins (engine), held calls (broker), and the audit log with its one writer.
type guard struct {
	*gate.Gate
	engine *policy.Engine
	broker *policy.Broker
	audit  *policy.AuditLog
	writer *policy.AuditWriter
	// keyed is closed once the audit key was read from the keychain (or could not be).
	keyed chan struct{}
	// rails are the limits, data-loss checks and telemetry of config.json (gate.Rails).
	rails *gate.Rails
	// forward sends audit records to a SIEM (settings.auditForward).
	forward *evidence.Forwarder
	// scoped keeps the always-allow grants bound to a Kubernetes context (their own file);
	// each load of config.json hands them to the engine again (Daemon.reload).
	scoped *reconcile.Grants
}

// openPolicy opens the pins and the audit log in the home and starts the audit writer.
func (d *Daemon) openPolicy() error {
	pins, err := policy.OpenPins(filepath.Join(string(d.opts.Home), "pins.json"), policy.PinOptions{Redact: func(b []byte) []byte { return d.secrets.Redactor().Redact(b) }})
	if err != nil {
		return fmt.Errorf("reading MCP Tray's tool pins: %w", err)
	}
	// What the prompt and the audit show of arguments holds no secret value, private key or
	// well-known credential.
	redact := func(b []byte) []byte { return dlp.Mask(d.secrets.Redactor().Redact(b)) }
	// Records go to a SIEM as they are written when settings.auditForward names one.
	forward := evidence.New(evidence.Options{Log: d.log, Version: d.opts.Version, Config: func() *config.AuditForward {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.cfg == nil {
			return nil
		}
		return d.cfg.Settings.AuditForward
	}})
	audit, err := policy.OpenAudit(d.opts.Home.AuditDir(), policy.AuditOptions{Redact: redact, Forward: forward.Send})
	if err != nil {
		forward.Close()
		return fmt.Errorf("opening the audit log: %w", err)
	}
	scoped := reconcile.NewGrants(d.opts.Home)
	saved, err := scoped.Load()
	if err != nil {
		d.log.Warn("always-allow choices for Kubernetes contexts not read", "err", err)
	}
	grants := policy.NewGrants(saved, func(g policy.AlwaysGrant) error {
		if g.Scope != "" { // bound to a Kubernetes context: config.json rules have none
			return scoped.Add(g)
		}
		return d.saveAlways(g)
	})
	// The person's approval timeout is set by each reload of config.json (Broker.SetTimeout).
	engine := policy.NewEngine(policy.EngineOptions{Pins: pins, Grants: grants})
	broker := policy.NewBroker(policy.BrokerOptions{Timeout: DefaultApprovalTimeout, Grants: grants, Redact: redact})
	rails := gate.NewRails(func() *config.Config {
		return d.cfgNow.Load()
	}, d.secrets, d.log, d.opts.Version)
	writer := policy.NewAuditWriter(audit, func(err error) { d.log.Error("writing the audit log", "err", err) })
	g := &guard{engine: engine, broker: broker, audit: audit, writer: writer, rails: rails, forward: forward, scoped: scoped,
		Gate: gate.New(gate.Options{Engine: engine, Broker: broker, Rails: rails, Record: writer.Write,
			// New builds the Kubernetes reconciler before this.
			Kube: d.kube.Scope, KubeNamespace: d.kube.Namespace, EndKube: d.kube.EndSession,
		})}
	g.keyed = make(chan struct{})
	go d.sealAudit(audit, g.keyed)
	d.guard = g
	return nil
}

// flushAudit returns once every call that ended before it is in the audit log's files.
func (d *Daemon) flushAudit() {
	if d.guard != nil && d.guard.writer != nil {
		d.guard.writer.Flush()
	}
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
	d.guard.writer.Close()
	<-d.guard.keyed // bounded by the keychain's own timeout
	d.guard.audit.Close()
	d.guard.forward.Close() // after the log's last line
	d.guard.rails.Close()   // sends the spans still batched
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
// grant bound to a Kubernetes context goes to kube/grants.json instead (kube/reconcile Grants).
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

// policyRoutes registers the control methods of approvals and policy.
func (d *Daemon) policyRoutes() {
	c := d.ctl
	api.Handle(c, api.Approvals, func(ctx context.Context, p api.ApprovalsParams) (api.ApprovalsResult, error) {
		page, total := d.guard.broker.Page(p.Offset, p.Limit)
		return api.ApprovalsResult{Approvals: nonNilApprovals(page), Total: total, Offset: max(p.Offset, 0)}, nil
	})
	api.Handle(c, api.ApprovalGet, func(ctx context.Context, p api.ApprovalParams) (policy.Approval, error) {
		a, ok := d.guard.broker.Get(p.ID)
		if !ok {
			return a, api.Errorf(api.ErrNotFound, "No call with the id %q is waiting for an answer.", p.ID)
		}
		return a, nil
	})
	api.HandleStream(c, api.ApprovalsWatch, func(ctx context.Context, _ api.None, send func(policy.Event) error) error {
		snap, ch, cancel := d.guard.broker.Subscribe()
		defer cancel()
		added := make([]policy.Event, 0, len(snap))
		for _, a := range snap {
			added = append(added, policy.Event{Kind: policy.ApprovalAdded, Approval: a})
		}
		return bus.Forward(ctx, added, ch, nil, send, "approvals moved too fast to follow; run the command again")
	})
	api.Handle(c, api.Approve, func(ctx context.Context, p api.ApproveParams) (api.None, error) {
		answer := map[string]policy.Answer{"": policy.AllowOnce, "once": policy.AllowOnce, "session": policy.AllowSession, "always": policy.AlwaysAllow}[p.Answer]
		if answer == 0 {
			return api.None{}, api.Errorf(api.ErrBadRequest, "%q is not an answer: use once, session or always.", p.Answer)
		}
		return api.None{}, approvalError(d.guard.broker.Answer(p.ID, answer))
	})
	api.Handle(c, api.Deny, func(ctx context.Context, p api.ApproveParams) (api.None, error) {
		return api.None{}, approvalError(d.guard.broker.Answer(p.ID, policy.Deny))
	})
	api.Handle(c, api.PolicyList, func(ctx context.Context, p api.NameParams) (api.PolicyListResult, error) {
		tools := d.guard.engine.Tools(p.Name)
		if tools == nil {
			tools = []policy.ToolStatus{}
		}
		return api.PolicyListResult{Tools: tools}, nil
	})
	api.Handle(c, api.PolicyReview, func(ctx context.Context, p api.ToolParams) (policy.PinReview, error) {
		return d.guard.engine.ReviewPin(p.Name, p.Tool)
	})
	api.Handle(c, api.PolicyAccept, func(ctx context.Context, p api.ToolParams) (api.None, error) {
		err := d.guard.engine.AcceptPin(p.Name, p.Tool, p.Fingerprint)
		switch {
		case errors.Is(err, policy.ErrNoFingerprint):
			return api.None{}, api.Errorf(api.ErrBadRequest, "Say which reviewed definition to accept: run `mcptray policy review SERVER TOOL` first and copy the code it shows.")
		case errors.Is(err, policy.ErrPinMovedOn):
			return api.None{}, api.Errorf(api.ErrFailed, "%s of %s changed again since you reviewed it, so nothing was accepted: review it again (mcptray policy review %s %s).", p.Tool, p.Name, p.Name, p.Tool)
		}
		return api.None{}, err
	})
	api.Handle(c, api.PolicyTrust, func(ctx context.Context, p api.TrustParams) (api.None, error) {
		return api.None{}, d.updateServer(p.Name, func(s *config.Server) error { s.SetTrust(p.Trust); return nil })
	})
}

func nonNilApprovals(a []policy.Approval) []policy.Approval {
	if a == nil {
		return []policy.Approval{}
	}
	return a
}

// approvalError gives the broker's refusals their codes on the wire: no such approval is
// ErrNotFound, one answered already ErrAlreadyAnswered, an answer not offered ErrBadRequest.
// The text is the broker's.
func approvalError(err error) error {
	switch {
	case errors.Is(err, policy.ErrUnknownApproval):
		return api.Errorf(api.ErrNotFound, "%s", err.Error())
	case errors.Is(err, policy.ErrAlreadyAnswered):
		return api.Errorf(api.ErrAlreadyAnswered, "%s", err.Error())
	}
	return err
}
