package daemon

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"os"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/authority"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/policy"
)

// Who may loosen (package authority): control.Server runs the guard before every handler, so
// no handler can forget it. Whether a method loosens is declared with it in package api: every
// call of an api.Loosens method does; for an api.LoosensSometimes method, its rule in
// sometimes below says which calls do (a method with no rule there counts as always loosening).

// sometimes are the rules of the api.LoosensSometimes methods.
var sometimes = map[string]func(d *Daemon, params json.RawMessage) bool{
	api.ConfigExpect.Name:   (*Daemon).expectLoosens,                // the command line's own write to config.json
	api.PolicySet.Name:      (*Daemon).ruleLoosens,                  // allow, ask over deny, trust on (authority.RuleChange)
	api.PolicyTrust.Name:    rule(authority.TrustOn),                //
	api.PolicyLimit.Name:    (*Daemon).limitLoosens,                 // a limit cleared or raised
	api.KubeUse.Name:        (*Daemon).kubeUseLoosens,               // a production context, a namespace limit lifted
	api.ClientsSet.Name:     rule(authority.Field("enabled", true)), // binding a client (to more servers)
	api.ServersEnable.Name:  rule(authority.Field("enabled", true)),
	api.Pause.Name:          rule(authority.Field("paused", false)), // resuming after "Pause all"
	api.ClientsImport.Name:  rule(authority.Field("dryRun", false)), // new servers from a client's settings
	api.ServersSandbox.Name: (*Daemon).sandboxLoosens,
}

func rule(r authority.Rule) func(*Daemon, json.RawMessage) bool {
	return func(_ *Daemon, raw json.RawMessage) bool { return r(raw) }
}

// orphansMay: an install is the one loosening request a program whose parent exited may make
// in a desktop session (authority.Orphaned): `mcptray-app open FILE`, started by a browser's
// or file manager's opener, is such a program, and the person confirms the install in its
// dialog. Approvals, rules, trust and the rest stay the person's, from a terminal or the tray.
func orphansMay(method string) bool { return method == api.Install.Name }

// loosens reports whether a request loosens anything (see sometimes).
func (d *Daemon) loosens(method string, params json.RawMessage) bool {
	m, ok := api.ByName(method)
	switch {
	case !ok || m.Loosens == api.Tightens:
		return false
	case m.Loosens == api.Loosens:
		return true
	}
	f := sometimes[method]
	if f == nil {
		return true
	}
	return authority.Loosens(func(raw json.RawMessage) bool { return f(d, raw) }, params)
}

// deniedNow reports whether the tool is denied by the person's rule or by the policy engine.
func (d *Daemon) deniedNow(server, tool string) bool {
	if s := d.currentConfig().Servers[server]; s != nil && s.Policy != nil && s.Policy.Tools[tool] == config.RuleDeny {
		return true
	}
	for _, t := range d.guard.engine.Tools(server) {
		if t.Tool == tool {
			return t.Rule == policy.RuleDeny
		}
	}
	return false
}

// expectLoosens: a write the command line announces loosens when it would wait for the person
// had another program made it (config.Review).
func (d *Daemon) expectLoosens(raw json.RawMessage) bool {
	var p api.ExpectParams
	if json.Unmarshal(raw, &p) != nil {
		return true
	}
	// Judged against what the person accepted, not against the caller's own "before": a
	// caller could otherwise claim allow→ask while the accepted rule is deny.
	return d.confirm.WouldLoosen(p.Before, p.After)
}

// kubeUseLoosens: see reconcile.UseLoosens.
func (d *Daemon) kubeUseLoosens(raw json.RawMessage) bool {
	var p api.KubeUseParams
	if json.Unmarshal(raw, &p) != nil {
		return true
	}
	return d.kube.UseLoosens(d.currentConfig(), p)
}

// WindowStarted records pid as MCP Tray's window process, which the tray started: it may
// approve and change permissions though it descends from the daemon (Authority.WindowStarted).
// Safe for concurrent use.
func (d *Daemon) WindowStarted(pid int) {
	if err := d.authz.WindowStarted(pid); err != nil {
		d.log.Warn("the window process could not be read; it will not be able to approve", "pid", pid, "err", err)
	}
}

// trackBridges wraps the bridge handler: from the connect request until the relay ends, the
// bridge and its parent (the AI app) are recorded, so that neither they nor anything they
// start may loosen. The handler finds the record in its context (authority.BridgeApp).
func (d *Daemon) trackBridges(next control.ConnectFunc) control.ConnectFunc {
	return func(ctx context.Context, h control.Hello, files []*os.File) (func(net.Conn, *bufio.Reader), error) {
		peer, _ := control.PeerFrom(ctx)
		b := authority.IdentifyBridge(peer.Pid)
		forget := d.authz.AddBridge(b)
		relay, err := next(authority.WithBridge(ctx, b), h, files)
		if err != nil {
			forget()
			return nil, err
		}
		return func(conn net.Conn, r *bufio.Reader) {
			defer forget()
			relay(conn, r)
		}, nil
	}
}

// ruleLoosens is authority.RuleChange, judged against the rules in effect now.
func (d *Daemon) ruleLoosens(raw json.RawMessage) bool { return authority.RuleChange(d.deniedNow)(raw) }
