package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/internal/display"
)

// Review compares config.json as another program (or the person, by hand) left it — proposed
// — with the configuration the person last accepted, and returns what MCP Tray runs meanwhile
// and what waits for the person's confirmation.
//
// Every difference either loosens (lets something run, be seen or go unasked that did not
// before) or not. A loosening difference waits: effective keeps the accepted value and
// changes gets one plain sentence for it. Everything else — tightening and neutral
// differences — is in effective at once. The classification, field by field:
//
//	Config.Servers          a server that is new loosens (left out until confirmed, even when
//	                        turned off: turning it on later is one click); a removed one
//	                        tightens.
//	Server.Command, Args,   the program that runs: any change loosens (it is a new program),
//	Env, Secrets, Dir,      and the six stay as accepted together. Frozen is the record of
//	Frozen                  the installed files the program runs from (a changed record
//	                        would vouch for changed files; a removed one turns the check off).
//	Server.Rollback         what `update --rollback` would run: any change loosens.
//	Server.Allowed          the hazards the person allowed one by one: a key added loosens;
//	                        one removed tightens.
//	Server.Disabled         turning a server on loosens; turning it off tightens.
//	Server.Mode, NoSpare    neutral: the same program under the same rules, shared or not,
//	                        with a warm spare or not.
//	Server.Policy.Trust     on loosens; off tightens.
//	Server.Policy.Tools     per tool, deny < ask < allow; a tool without a rule follows the
//	                        default, which may be allow (read-only tools) or ask, so setting
//	                        allow where there was no rule loosens, and so does removing an ask
//	                        or deny rule; setting ask or deny tightens.
//	Server.Source           the catalog entry and version (and answers) an update installs
//	                        from: any change loosens.
//	Server.Kube             a context choice (a production one included), no longer being a
//	                        Kubernetes server (the field removed, or "none": declared not one),
//	                        removing or changing the namespace limit, or changing fields this
//	                        version does not know loosens; choosing no context (the server
//	                        stops), adding a namespace limit or taking "none" back tightens.
//	Server.Sandbox          removing or turning off confinement, adding a folder, turning the
//	                        network on, or changing fields this version does not know loosens
//	                        (the whole sandbox stays as accepted); confining a server, taking
//	                        folders or the network away tightens.
//	Config.Clients          a new enabled binding, a binding turned on, or one that sees more
//	                        servers (a longer list, or an empty list, which means every
//	                        server) loosens; turning one off, seeing fewer servers or removing
//	                        a binding tightens.
//	Server.Limits           a limit removed, a timeout longer or gone, a rate or a cap higher
//	                        or gone loosens (the limits stay as accepted, all together);
//	                        adding or lowering one tightens.
//	Server.DLP              a weaker action (block < ask < default < allow) or results no
//	                        longer redacted loosens; a stronger one tightens.
//	Settings.ProductionPatterns, ProductionContexts
//	                        dropping a pattern (nil means the defaults) or a production
//	                        context loosens: that context would no longer count as production;
//	                        adding one tightens.
//	Settings.RegistryURL    a different registry loosens; "off" tightens.
//	Settings.Telemetry, AuditForward
//	                        sending spans or audit records somewhere new (turned on, another
//	                        endpoint, receiver or file, TLS turned off) loosens; turning
//	                        them off tightens.
//	Settings.ApprovalTimeoutSeconds, StartAtLogin, Theme
//	                        neutral.
//	unknown fields          (a newer version's, anywhere) any change loosens: this version
//	                        cannot tell what they do.
//
// Review never fails; accepted and proposed are not changed. When changes is empty,
// effective equals proposed.
func Review(accepted, proposed *Config, opts ReviewOptions) (effective *Config, changes []string) {
	r := reviewer{opts: opts}
	eff := proposed.Clone()
	acc := accepted.Clone()
	for _, name := range eff.ServerNames() {
		a, ok := acc.Servers[name]
		if !ok {
			r.newServer(name, eff.Servers[name])
			delete(eff.Servers, name)
			continue
		}
		r.server(name, a, eff.Servers[name])
	}
	r.clientBindings(acc, eff)
	r.settings(&acc.Settings, &eff.Settings)
	if !sameJSON(acc.extra, eff.extra) {
		r.say("Other settings MCP Tray does not know in config.json would change.")
		eff.extra = acc.extra
	}
	dropMissingServers(eff)
	return eff, r.changes
}

// ReviewOptions tune how Review words its sentences.
type ReviewOptions struct {
	// ClientName names an AI client by its id ("cursor" → "Cursor"); nil shows the id.
	ClientName func(id string) string
}

// Fingerprint identifies a configuration in 12 hex digits: what the person reviewed is what
// they accept only if its fingerprint is still the same.
func Fingerprint(c *Config) string {
	b, err := json.Marshal(c)
	if err != nil {
		panic("config: marshaling a config cannot fail: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}

type reviewer struct {
	opts    ReviewOptions
	changes []string
}

func (r *reviewer) say(format string, args ...any) {
	r.changes = append(r.changes, fmt.Sprintf(format, args...))
}

// q quotes text from config.json for a sentence, with control characters escaped.
func q(s string) string { return `"` + display.Line(s) + `"` }

// commandLine is the program a server runs, as one line a person can read.
func commandLine(s *Server) string {
	if s.IsRemote() {
		return "the remote server at " + display.Line(s.URL) // remote.go
	}
	parts := append([]string{s.Command}, s.Args...)
	for i, p := range parts {
		if p == "" || strings.ContainsAny(p, " \t\"'") {
			parts[i] = fmt.Sprintf("%q", p)
		}
	}
	return display.Line(strings.Join(parts, " "))
}

func (r *reviewer) newServer(name string, s *Server) {
	if s.Disabled {
		r.say("A new server %s would be added, turned off for now: %s", q(name), commandLine(s))
		return
	}
	r.say("A new server %s would run: %s", q(name), commandLine(s))
}

func (r *reviewer) server(name string, a, p *Server) {
	program := p.Command != a.Command || !slices.Equal(p.Args, a.Args) || !sameJSON(a.Remote.where(), p.Remote.where()) // remote.go
	settings := !maps.Equal(p.Env, a.Env) || !slices.Equal(p.Secrets, a.Secrets) || p.Dir != a.Dir
	installed := !sameJSON(a.Frozen, p.Frozen)
	switch {
	case program:
		r.say("The server %s would run a different program: %s", q(name), commandLine(p))
	case installed:
		r.say("The server %s would run from installed files MCP Tray did not install or check.", q(name))
	case settings:
		r.say("The server %s would run with different settings (its environment, secrets or folder).", q(name))
	}
	if program || settings || installed {
		p.Command, p.Args, p.Env, p.Secrets, p.Dir, p.Frozen = a.Command, a.Args, a.Env, a.Secrets, a.Dir, a.Frozen
		p.Remote = a.Remote.withSignIn(p.OAuth)
	}
	if !sameJSON(a.Rollback, p.Rollback) {
		r.say("The server %s would go back to a different version on a rollback.", q(name))
		p.Rollback = a.Rollback
	}
	if added := missing(p.Allowed, a.Allowed, func(x, y string) bool { return x == y }); len(added) > 0 {
		r.say("The server %s would be allowed to use %s, which MCP Tray refuses unless you allow it.", q(name), quoteAll(added))
		p.Allowed = a.Allowed
	}
	if a.Disabled && !p.Disabled {
		r.say("The server %s, which is turned off, would be turned on.", q(name))
		p.Disabled = true
	}
	r.policy(name, a, p)
	if !sameJSON(a.Source, p.Source) {
		r.say("The server %s would be updated from a different catalog entry or version.", q(name))
		p.Source = a.Source
	}
	r.kube(name, a, p)
	r.guardrails(name, a, p)
	if more := sandboxLoosening(a.Sandbox, p.Sandbox); more != "" {
		r.say("The server %s %s.", q(name), more)
		p.Sandbox = a.Sandbox
	}
	if !sameJSON(a.extra, p.extra) {
		r.say("Settings of the server %s that MCP Tray does not know would change.", q(name))
		p.extra = a.extra
	}
}

// ruleRank orders rules from tight to loose; no rule ranks as loose as allow when it
// replaces one and as tight as ask when it is replaced (see loosens).
var ruleRank = map[Rule]int{RuleDeny: 0, RuleAsk: 1, RuleAllow: 2}

// loosens reports whether going from rule a to rule p ("" for none) can let a call run with
// less asking: the default for a tool without a rule may be allow.
func loosens(a, p Rule) bool {
	switch {
	case a == p:
		return false
	case p == "":
		return a != RuleAllow
	case a == "":
		return p == RuleAllow
	default:
		return ruleRank[p] > ruleRank[a]
	}
}

func (r *reviewer) policy(name string, a, p *Server) {
	var ap, pp Policy
	if a.Policy != nil {
		ap = *a.Policy
	}
	if p.Policy != nil {
		pp = *p.Policy
	}
	if !ap.Trust && pp.Trust {
		r.say("Every tool of the server %s would run without asking.", q(name))
		p.EnsurePolicy().Trust = false
	}
	for _, tool := range slices.Sorted(maps.Keys(union(ap.Tools, pp.Tools))) {
		ar, pr := ap.Tools[tool], pp.Tools[tool]
		if !loosens(ar, pr) {
			continue
		}
		switch pr {
		case RuleAllow:
			r.say("The tool %s of %s would run without asking.", q(tool), q(name))
		case RuleAsk:
			r.say("The tool %s of %s would ask instead of being refused.", q(tool), q(name))
		default:
			r.say("The tool %s of %s would lose its rule %q and follow the default, which may run it without asking.", q(tool), q(name), string(ar))
		}
		pol := p.EnsurePolicy()
		if ar == "" {
			delete(pol.Tools, tool)
		} else {
			pol.Tools[tool] = ar
		}
	}
	if !sameJSON(ap.extra, pp.extra) {
		r.say("Policy settings of the server %s that MCP Tray does not know would change.", q(name))
		p.EnsurePolicy().extra = ap.extra
	}
	if a.Policy == nil && p.Policy != nil && !p.Policy.Trust && len(p.Policy.Tools) == 0 && len(p.Policy.extra) == 0 {
		p.Policy = nil // as accepted: no policy at all
	}
}

func union(a, b map[string]Rule) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func (r *reviewer) kube(name string, a, p *Server) {
	if sameJSON(a.Kube, p.Kube) {
		return
	}
	var ak, pk Kube
	if a.Kube != nil {
		ak = *a.Kube
	}
	if p.Kube != nil {
		pk = *p.Kube
	}
	sameExtra := sameJSON(ak.extra, pk.extra)
	if p.Kube != nil && pk.Context == "" && !pk.None && sameExtra {
		return // no context chosen: the server does not start
	}
	var why string
	switch {
	case !sameExtra:
		why = fmt.Sprintf("Kubernetes settings of the server %s would change.", q(name))
	case pk.None && !ak.None:
		why = fmt.Sprintf("The server %s would no longer be treated as a Kubernetes server: it would start without a Kubernetes context chosen.", q(name))
	case p.Kube == nil && !ak.None:
		why = fmt.Sprintf("The server %s would no longer be treated as a Kubernetes server.", q(name))
	case pk.Context != "" && pk.Context != ak.Context:
		why = fmt.Sprintf("The server %s would reach the Kubernetes context %s.", q(name), q(pk.Context))
	case ak.Namespace != "" && pk.Namespace == "":
		why = fmt.Sprintf("The server %s would no longer be limited to the Kubernetes namespace %s.", q(name), q(ak.Namespace))
	case ak.Namespace != "" && pk.Namespace != ak.Namespace:
		why = fmt.Sprintf("The server %s would use the Kubernetes namespace %s instead of %s.", q(name), q(pk.Namespace), q(ak.Namespace))
	default:
		return // a namespace limit added, or no longer declared not a Kubernetes server
	}
	r.say("%s", why)
	p.Kube = a.Kube
}

func (r *reviewer) clientName(id string) string {
	if r.opts.ClientName != nil {
		if n := r.opts.ClientName(id); n != "" {
			return display.Line(n)
		}
	}
	return q(id)
}

func (r *reviewer) clientBindings(acc, eff *Config) {
	for _, id := range slices.Sorted(maps.Keys(eff.Clients)) {
		p, a := eff.Clients[id], acc.Clients[id]
		if p == nil || !p.Enabled {
			continue // off, or gone: tightening
		}
		if a == nil || !a.Enabled {
			r.say("%s would see %s.", r.clientName(id), serverList(p.Servers))
			if a == nil {
				delete(eff.Clients, id)
			} else {
				eff.Clients[id] = a
			}
			continue
		}
		if seesMore(a.Servers, p.Servers) {
			r.say("%s would see %s.", r.clientName(id), serverList(p.Servers))
			p.Servers = a.Servers
		}
		if !sameJSON(a.extra, p.extra) {
			r.say("Settings of %s that MCP Tray does not know would change.", r.clientName(id))
			p.extra = a.extra
		}
	}
}

// seesMore reports whether the server list p shows a server that a does not (empty means
// every server).
func seesMore(a, p []string) bool {
	if len(a) == 0 {
		return false
	}
	if len(p) == 0 {
		return true
	}
	for _, s := range p {
		if !slices.Contains(a, s) {
			return true
		}
	}
	return false
}

func serverList(names []string) string {
	if len(names) == 0 {
		return "every server"
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = q(n)
	}
	if len(quoted) == 1 {
		return "the server " + quoted[0]
	}
	return "the servers " + strings.Join(quoted, ", ")
}

// defaultProductionPatterns is what a nil Settings.ProductionPatterns means.
var defaultProductionPatterns = []string{"prod", "production", "live"}

func (r *reviewer) settings(a, p *Settings) {
	ap, pp := a.ProductionPatterns, p.ProductionPatterns
	if ap == nil {
		ap = defaultProductionPatterns
	}
	if pp == nil {
		pp = defaultProductionPatterns
	}
	if dropped := missing(ap, pp, strings.EqualFold); len(dropped) > 0 {
		r.say("Kubernetes contexts named like %s would no longer count as production.", quoteAll(dropped))
		p.ProductionPatterns = a.ProductionPatterns
	}
	if dropped := missing(a.ProductionContexts, p.ProductionContexts, func(x, y string) bool { return x == y }); len(dropped) > 0 {
		r.say("The Kubernetes context %s would no longer count as production.", quoteAll(dropped))
		p.ProductionContexts = a.ProductionContexts
	}
	if p.RegistryURL != a.RegistryURL && p.RegistryURL != "off" {
		where := "the official MCP Registry"
		if p.RegistryURL != "" {
			where = "the registry at " + q(p.RegistryURL)
		}
		r.say("MCP Tray would offer servers to install from %s.", where)
		p.RegistryURL = a.RegistryURL
	}
	r.evidence(a, p)
	if !sameJSON(a.extra, p.extra) {
		r.say("App settings that MCP Tray does not know would change.")
		p.extra = a.extra
	}
}

// missing returns the items of a that b does not have.
func missing(a, b []string, eq func(x, y string) bool) []string {
	var out []string
	for _, x := range a {
		if !slices.ContainsFunc(b, func(y string) bool { return eq(x, y) }) {
			out = append(out, x)
		}
	}
	return out
}

func quoteAll(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = q(s)
	}
	return strings.Join(quoted, ", ")
}

// dropMissingServers removes from client bindings the servers that are not in c (a new server
// left out); a list that becomes empty would mean every server, so that binding is turned off.
func dropMissingServers(c *Config) {
	for _, b := range c.Clients {
		if b == nil || len(b.Servers) == 0 {
			continue
		}
		b.Servers = slices.DeleteFunc(slices.Clone(b.Servers), func(s string) bool { return c.Servers[s] == nil })
		if len(b.Servers) == 0 {
			b.Servers = nil
			b.Enabled = false
		}
	}
}

// sameJSON reports whether a and b encode the same; for comparing unknown fields and small
// structs whose every change is treated alike.
func sameJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	// nil and empty maps or zero structs are the same to a reader of the file.
	return string(x) == string(y) || isEmptyJSON(x) && isEmptyJSON(y)
}

func isEmptyJSON(b []byte) bool {
	s := string(b)
	return s == "null" || s == "{}"
}
