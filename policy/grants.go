package policy

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// AlwaysGrant is a person's "always allow this tool" answer. Scope is the context the grant
// was given in (the lead passes the kube context; "" for servers without one): a grant only
// applies to calls with exactly the same scope. The JSON form is what config.json stores.
type AlwaysGrant struct {
	Server string `json:"server"`
	Tool   string `json:"tool"`
	Scope  string `json:"scope,omitempty"`
}

type grantKey struct{ server, tool, scope string }

// Grants holds the person's earlier answers that let later calls through without asking:
// session grants ("allow for this session"), which live as long as one bridge connection, and
// always grants, which config.json keeps. The Engine reads them; the Broker adds them. A
// Grants is safe for concurrent use.
type Grants struct {
	persist func(AlwaysGrant) error

	mu      sync.RWMutex
	session map[string]map[grantKey]struct{}
	always  map[grantKey]struct{}
}

// NewGrants returns Grants holding the always grants from config.json. persist, if not nil,
// is called for every new always grant before it takes effect; when it fails the grant is not
// made and the person's answer fails with its error. persist is called with the Broker's lock
// held, so it must not call the Broker; it may take as long as one config write.
func NewGrants(always []AlwaysGrant, persist func(AlwaysGrant) error) *Grants {
	g := &Grants{persist: persist, session: map[string]map[grantKey]struct{}{}}
	g.SetAlways(always)
	return g
}

// SetAlways replaces the always grants, for example after config.json changed on disk.
func (g *Grants) SetAlways(list []AlwaysGrant) {
	m := make(map[grantKey]struct{}, len(list))
	for _, a := range list {
		m[grantKey{a.Server, a.Tool, a.Scope}] = struct{}{}
	}
	g.mu.Lock()
	g.always = m
	g.mu.Unlock()
}

// Always returns the current always grants, sorted, for saving or listing.
func (g *Grants) Always() []AlwaysGrant {
	g.mu.RLock()
	out := make([]AlwaysGrant, 0, len(g.always))
	for k := range g.always {
		out = append(out, AlwaysGrant{k.server, k.tool, k.scope})
	}
	g.mu.RUnlock()
	slices.SortFunc(out, func(a, b AlwaysGrant) int {
		return cmp.Or(cmp.Compare(a.Server, b.Server), cmp.Compare(a.Tool, b.Tool), cmp.Compare(a.Scope, b.Scope))
	})
	return out
}

// EndSession forgets the session grants of one bridge connection. The gateway calls it when
// the connection closes. It is idempotent.
func (g *Grants) EndSession(session string) {
	g.mu.Lock()
	delete(g.session, session)
	g.mu.Unlock()
}

const (
	reasonSessionGrant = "You allowed this tool for this session."
	reasonAlwaysGrant  = "You chose to always allow this tool."
)

// allowed reports whether an earlier answer lets c through, and why. No grant, for the
// session or always, ever lets a tool that is not read-only run in a production scope: there
// every such call asks, every time, whatever was answered before (grants saved earlier, or
// made before a context was marked production, included).
func (g *Grants) allowed(c *Call, readOnly bool) (string, bool) {
	if c.Production && !readOnly {
		return "", false
	}
	k := grantKey{c.Server, c.Tool, c.Scope}
	g.mu.RLock()
	defer g.mu.RUnlock()
	if c.Session != "" {
		if _, ok := g.session[c.Session][k]; ok {
			return reasonSessionGrant, true
		}
	}
	if _, ok := g.always[k]; ok {
		return reasonAlwaysGrant, true
	}
	return "", false
}

func (g *Grants) grantSession(c *Call) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.session[c.Session]
	if s == nil {
		s = map[grantKey]struct{}{}
		g.session[c.Session] = s
	}
	s[grantKey{c.Server, c.Tool, c.Scope}] = struct{}{}
}

func (g *Grants) grantAlways(c *Call) error {
	a := AlwaysGrant{c.Server, c.Tool, c.Scope}
	if g.persist != nil {
		if err := g.persist(a); err != nil {
			return fmt.Errorf("saving the always-allow choice for %s of %s: %w", a.Tool, a.Server, err)
		}
	}
	g.mu.Lock()
	g.always[grantKey{a.Server, a.Tool, a.Scope}] = struct{}{}
	g.mu.Unlock()
	return nil
}
