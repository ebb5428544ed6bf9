package policy

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Verdict is what the Engine decides for a call before anyone is asked.
type Verdict struct {
	// Rule is what to do now: forward (allow), refuse (deny), or hold and ask the person.
	Rule Rule
	// Reason is a plain sentence saying why.
	Reason string
	// ReadOnly is the tool's readOnlyHint, as the server claims it.
	ReadOnly bool
	// Blocked is true when the tool is refused because its definition changed.
	Blocked bool
	// Description is the tool's description, for the prompt.
	Description string
	// Warnings are plain sentences the prompt shows: the scanner's reasons, and a note when
	// the call runs in a production context. Shared: do not modify.
	Warnings []string
	// EachTime asks the person about this very call however the tool was allowed before: no
	// session or always grant lets it through, and neither is offered (a data-loss check found
	// a secret in it).
	EachTime bool
}

// Decision turns an allow or deny verdict into the call's final decision, decided by rule.
// For an ask verdict, use Broker.Ask instead; called anyway, it denies, so that forgetting to
// ask can never let a call through.
func (v Verdict) Decision() Decision {
	if v.Rule == RuleAllow {
		return Decision{Outcome: Allowed, DecidedBy: ByRule, Reason: v.Reason}
	}
	reason := v.Reason
	if v.Rule == RuleAsk {
		reason = "This call needs the person's approval, and none was asked for."
	}
	return Decision{Outcome: Denied, DecidedBy: ByRule, Reason: reason, Message: "Denied by MCP Tray: " + reason}
}

// The reasons a Verdict gives. They are constants so that the allow path builds no string.
const (
	reasonBlocked    = "This tool changed since it was first seen; it stays blocked until you review the change in MCP Tray."
	reasonToolDeny   = "You set this tool to deny."
	reasonToolAllow  = "You set this tool to allow."
	reasonToolAsk    = "You set this tool to ask."
	reasonFlagged    = "Its description looks like it hides instructions, so MCP Tray asks first."
	reasonTrust      = "You trust every tool of this server."
	reasonReadOnly   = "The server says this tool only reads."
	reasonMayChange  = "The server does not say this tool only reads, so MCP Tray asks first."
	reasonUnknown    = "MCP Tray has not seen this tool in the server's tool list, so it asks first."
	reasonRemoved    = "The server no longer lists this tool, so MCP Tray asks first."
	reasonInvalid    = "MCP Tray could not read this tool's definition, so it is hidden and refused."
	warningProdScope = "This call runs in a production context."
	reasonProduction = "This server works on a production context, so MCP Tray asks before every tool that may change something."
)

type toolKey struct{ server, tool string }

// toolState is what the engine knows about one tool. It is never modified once published:
// an observation replaces it, so Decide can read it without holding the lock.
type toolState struct {
	tool    Tool
	blocked bool
	removed bool
	invalid bool // the server listed it, but its definition could not be read
}

// Engine decides calls from the person's rules, the tools' annotations, pins, scan flags and
// grants. It is safe for concurrent use; Decide takes a read lock and allocates nothing for
// an allowed call.
type Engine struct {
	pins   *PinStore
	grants *Grants

	mu    sync.RWMutex
	rules map[string]ServerRules // replaced whole, never modified
	tools map[toolKey]*toolState
	// parsed caches, per server, the tools of its last list by the SHA-256 of their raw
	// bytes: session mode lists the same tools on every connection, and scanning a large
	// schema costs milliseconds. Replaced whole, never modified.
	parsed map[string]map[[sha256.Size]byte]Tool
}

// EngineOptions configure an Engine. The zero value works: no rules, pins in memory only,
// fresh grants.
type EngineOptions struct {
	// Rules are the per-server overrides from config.json, keyed by server name.
	Rules map[string]ServerRules
	// Pins is the pin store; nil keeps pins in memory only.
	Pins *PinStore
	// Grants must be the same value the Broker gets; nil makes a fresh one.
	Grants *Grants
}

// NewEngine returns an Engine that already knows every pinned tool, so a tool blocked before a
// restart stays blocked and annotations apply before the first tools/list.
func NewEngine(o EngineOptions) *Engine {
	if o.Pins == nil {
		o.Pins, _ = OpenPins("")
	}
	if o.Grants == nil {
		o.Grants = NewGrants(nil, nil)
	}
	e := &Engine{pins: o.Pins, grants: o.Grants, tools: map[toolKey]*toolState{}, parsed: map[string]map[[sha256.Size]byte]Tool{}}
	e.SetRules(o.Rules)
	o.Pins.each(func(server, name string, p *Pin) {
		def, blocked := p.Definition, p.Changed != nil
		if blocked {
			def = p.Changed.Definition
		}
		if t, err := ParseTool(def); err == nil {
			e.tools[toolKey{server, name}] = &toolState{tool: t, blocked: blocked, removed: p.RemovedAt != nil}
		}
	})
	return e
}

// Grants returns the grants the engine consults.
func (e *Engine) Grants() *Grants { return e.grants }

// SetRules replaces the per-server overrides, for example after config.json changed. The map
// is copied; the caller may keep changing its own.
func (e *Engine) SetRules(rules map[string]ServerRules) {
	m := make(map[string]ServerRules, len(rules))
	for name, r := range rules {
		m[name] = ServerRules{Trust: r.Trust, Tools: maps.Clone(r.Tools)}
	}
	e.mu.Lock()
	e.rules = m
	e.mu.Unlock()
}

// Decide returns the verdict for one call. It never blocks for long and never does I/O.
//
// Precedence, first match wins: a tool whose pin is broken is denied; the person's rule for
// the tool; a flagged description asks; a trusted server allows; readOnlyHint true allows;
// anything else asks. On a Kubernetes server, arguments naming another context or a kubeconfig
// deny first; in a production scope, a tool that is not read-only asks even when a rule or
// trust would allow it. An ask is then turned into allow by an earlier session or always grant
// (an always grant never applies to a non-read-only tool in a production scope).
func (e *Engine) Decide(c Call) Verdict {
	e.mu.RLock()
	st := e.tools[toolKey{c.Server, c.Tool}]
	sr := e.rules[c.Server]
	e.mu.RUnlock()
	v := baseVerdict(st, sr, c.Tool)
	if c.Kube && v.Rule != RuleDeny {
		if reason := kubeCallProblem(&c); reason != "" {
			v.Rule, v.Reason = RuleDeny, reason
			return v
		}
		if c.Namespace != "" && st != nil {
			if reason := kubeNamespaceOmitted(st.tool.Definition, c.Arguments, c.Tool, c.Namespace); reason != "" {
				v.Rule, v.Reason = RuleDeny, reason
				return v
			}
		}
	}
	if c.Production && !v.ReadOnly && v.Rule == RuleAllow {
		v.Rule, v.Reason = RuleAsk, reasonProduction
	}
	if v.Rule != RuleAsk {
		return v
	}
	if reason, ok := e.grants.allowed(&c, v.ReadOnly); ok {
		v.Rule, v.Reason = RuleAllow, reason
		return v
	}
	if c.Production {
		v.Warnings = append(slices.Clip(v.Warnings), warningProdScope)
	}
	return v
}

func baseVerdict(st *toolState, sr ServerRules, name string) Verdict {
	var v Verdict
	if st != nil {
		v.ReadOnly, v.Description, v.Warnings = st.tool.ReadOnly, st.tool.Description, st.tool.Flags
		switch {
		case st.invalid:
			v.Rule, v.Reason = RuleDeny, reasonInvalid
			return v
		case st.blocked:
			v.Rule, v.Reason, v.Blocked = RuleDeny, reasonBlocked, true
			return v
		}
	}
	switch sr.Tools[name] {
	case RuleDeny:
		v.Rule, v.Reason = RuleDeny, reasonToolDeny
	case RuleAllow:
		v.Rule, v.Reason = RuleAllow, reasonToolAllow
	case RuleAsk:
		v.Rule, v.Reason = RuleAsk, reasonToolAsk
	default:
		switch {
		case st != nil && len(st.tool.Flags) > 0:
			v.Rule, v.Reason = RuleAsk, reasonFlagged
		case sr.Trust:
			v.Rule, v.Reason = RuleAllow, reasonTrust
		case st == nil:
			v.Rule, v.Reason = RuleAsk, reasonUnknown
		case st.removed:
			v.Rule, v.Reason = RuleAsk, reasonRemoved
		case st.tool.ReadOnly:
			v.Rule, v.Reason = RuleAllow, reasonReadOnly
		default:
			v.Rule, v.Reason = RuleAsk, reasonMayChange
		}
	}
	return v
}

// Hidden reports whether tools/list should hide a tool from clients: its rule is deny, its
// pin is broken, or its definition could not be read. Pass it to HideTools.
func (e *Engine) Hidden(server, tool string) bool {
	e.mu.RLock()
	st := e.tools[toolKey{server, tool}]
	sr := e.rules[server]
	e.mu.RUnlock()
	return baseVerdict(st, sr, tool).Rule == RuleDeny
}

// Observation is what one tools/list taught the engine about a server.
type Observation struct {
	PinResult
	// Flagged maps each flagged tool to the scanner's reasons.
	Flagged map[string][]string
	// Hidden lists the tools clients must not see (see Engine.Hidden).
	Hidden []string
}

// ObserveTools records the tools a server presented in a tools/list result (the raw entries,
// see ParseToolsList): it pins new tools, blocks changed ones, notes removed ones (only when
// complete, that is when tools is the server's whole list and not one page) and scans
// descriptions. Entries that cannot be read (not JSON, no name, a key given twice) are
// hidden and refused when they have a readable name, and reported in the error after the
// others were recorded; so is a failure to save the pins.
func (e *Engine) ObserveTools(server string, tools []json.RawMessage, complete bool) (Observation, error) {
	var errs []error
	e.mu.RLock()
	cache := e.parsed[server]
	e.mu.RUnlock()
	nextCache := make(map[[sha256.Size]byte]Tool, len(tools))
	parsed := make([]Tool, 0, len(tools))
	var invalid []string
	for i, raw := range tools {
		sum := sha256.Sum256(raw)
		t, ok := cache[sum]
		if !ok {
			var err error
			if t, err = ParseTool(raw); err != nil {
				errs = append(errs, fmt.Errorf("tool %d of %s: %w", i+1, server, err))
				// Clients may still read a name (and a description) from it: hide it.
				var named struct{ Name string }
				if json.Unmarshal(raw, &named) == nil && named.Name != "" {
					invalid = append(invalid, named.Name)
				}
				continue
			}
		}
		nextCache[sum] = t
		if e.pins.carriesSecret(t.Name) {
			// Its name would be written where no secret may be (pins.json, the audit log,
			// a prompt, an allow rule in config.json): hide it, deny its calls, pin nothing.
			errs = append(errs, fmt.Errorf("tool %d of %s: its name holds a secret MCP Tray keeps, so it is hidden", i+1, server))
			invalid = append(invalid, t.Name)
			continue
		}
		parsed = append(parsed, t)
	}
	res, err := e.pins.Observe(server, parsed, complete)
	if err != nil {
		errs = append(errs, err)
	}
	obs := Observation{PinResult: res, Flagged: map[string][]string{}}
	e.mu.Lock()
	e.parsed[server] = nextCache
	for _, t := range parsed {
		p, _ := e.pins.Pin(server, t.Name)
		e.tools[toolKey{server, t.Name}] = &toolState{tool: t, blocked: p.Changed != nil && p.Changed.Fingerprint == t.Fingerprint}
		if len(t.Flags) > 0 {
			obs.Flagged[t.Name] = t.Flags
		}
	}
	for _, name := range res.Removed {
		if st := e.tools[toolKey{server, name}]; st != nil {
			e.tools[toolKey{server, name}] = &toolState{tool: st.tool, blocked: st.blocked, removed: true}
		}
	}
	for _, name := range invalid {
		e.tools[toolKey{server, name}] = &toolState{tool: Tool{Name: name}, invalid: true}
	}
	sr := e.rules[server]
	for _, t := range parsed {
		if baseVerdict(e.tools[toolKey{server, t.Name}], sr, t.Name).Rule == RuleDeny {
			obs.Hidden = append(obs.Hidden, t.Name)
		}
	}
	obs.Hidden = append(obs.Hidden, invalid...)
	e.mu.Unlock()
	return obs, errors.Join(errs...)
}

// ReviewPin returns the change waiting for review on a blocked tool.
func (e *Engine) ReviewPin(server, tool string) (PinReview, error) {
	return e.pins.Review(server, tool)
}

// ErrNoFingerprint reports an accept that does not say which reviewed definition it accepts.
var ErrNoFingerprint = errors.New("say which reviewed definition to accept: run `mcptray policy review SERVER TOOL` first and copy the code it shows")

// AcceptPin makes the reviewed definition the tool's pin and unblocks it, but only while the
// definition waiting for review is exactly the one the person reviewed: fingerprint is its
// code as shown (PinReview.Fingerprint) or its whole fingerprint (PinReview.NewFingerprint).
// When the server changed the tool again since, it fails with ErrPinMovedOn and nothing
// changes; so it does for any other code, since it is not the reviewed one. An empty
// fingerprint fails with ErrNoFingerprint. The tool's rule then comes from its new
// definition.
func (e *Engine) AcceptPin(server, tool, fingerprint string) error {
	fingerprint = strings.ToLower(strings.TrimSpace(fingerprint))
	if fingerprint == "" {
		return fmt.Errorf("accepting the change to %s of %s: %w", tool, server, ErrNoFingerprint)
	}
	if len(fingerprint) == ShortFingerprintLen {
		rev, err := e.pins.Review(server, tool)
		if err != nil {
			return err
		}
		if rev.Fingerprint != fingerprint {
			return fmt.Errorf("accepting the change to %s of %s: %w", tool, server, ErrPinMovedOn)
		}
		// Accept compares the whole fingerprint under the store's lock: a change that
		// arrives between this look and the accept is refused there.
		fingerprint = rev.NewFingerprint
	}
	if err := e.pins.Accept(server, tool, fingerprint); err != nil {
		return err
	}
	e.mu.Lock()
	if st := e.tools[toolKey{server, tool}]; st != nil && st.tool.Fingerprint == fingerprint {
		e.tools[toolKey{server, tool}] = &toolState{tool: st.tool, removed: st.removed}
	}
	e.mu.Unlock()
	return nil
}

// ToolStatus is one line of `mcptray policy list SERVER`.
type ToolStatus struct {
	Server      string   `json:"server"`
	Tool        string   `json:"tool"`
	Rule        Rule     `json:"rule"`
	Reason      string   `json:"reason"`
	ReadOnly    bool     `json:"read_only"`
	Destructive bool     `json:"destructive"`
	Blocked     bool     `json:"blocked"`
	Removed     bool     `json:"removed"`
	Flags       []string `json:"flags,omitempty"`
	Fingerprint string   `json:"fingerprint"`
}

// Tools lists the tools the engine knows for a server, sorted by name, with the rule each
// gets before grants.
func (e *Engine) Tools(server string) []ToolStatus {
	e.mu.RLock()
	defer e.mu.RUnlock()
	sr := e.rules[server]
	var out []ToolStatus
	for k, st := range e.tools {
		if k.server != server {
			continue
		}
		v := baseVerdict(st, sr, k.tool)
		var flags []string
		for _, f := range st.tool.Flags {
			flags = append(flags, e.pins.shown(f))
		}
		out = append(out, ToolStatus{
			Server: server, Tool: e.pins.shown(k.tool), Rule: v.Rule, Reason: v.Reason,
			ReadOnly: st.tool.ReadOnly, Destructive: st.tool.Destructive,
			Blocked: st.blocked, Removed: st.removed, Flags: flags, Fingerprint: st.tool.Fingerprint,
		})
	}
	slices.SortFunc(out, func(a, b ToolStatus) int { return strings.Compare(a.Tool, b.Tool) })
	return out
}
