package daemon

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/proc"
	"github.com/mcptray/mcptray/policy"
)

// Who may loosen. Approving a call and every change that lets more through come only from the
// person: the window, the tray, or a terminal they opened themselves. A server MCP Tray started,
// or an AI app with a bridge open (and every program either of them starts, such as an agent's
// shell), must not be able to approve its own calls or widen its own permissions. The daemon
// knows who asks from the socket (the peer's pid as the operating system reports it) and walks
// that process's ancestry. Tightening is allowed from anywhere.
//
// The whole decision is here: control.Server runs authorize before every handler, so no handler
// can forget it. A method that can loosen anything MUST have an entry in loosening; a method
// that is not listed is treated as never loosening.

// ErrNotFromPerson is the refusal a loosening request from a server or an AI app gets.
var ErrNotFromPerson = &control.Error{Code: control.CodeNotFromPerson,
	Message: "MCP Tray only takes approvals and permission changes from you: from its window, the tray, or a terminal you opened yourself — not from a server or an AI app."}

// loosening lists every control method that can loosen what reaches a server or who is asked,
// with a function telling whether this request does (params as the client sent them; params
// that do not decode count as loosening, the handler refuses them anyway). Add a method here
// when you add one that can approve, allow, trust, accept, enable, add or resume anything.
var loosening = map[string]func(d *Daemon, params json.RawMessage) bool{
	"approve":         always,                  // once, for the session and always: every answer but deny
	"policy.accept":   always,                  // accepting a changed tool definition
	"config.confirm":  always,                  // confirming a change made to config.json outside MCP Tray
	"config.expect":   (*Daemon).expectLoosens, // the command line's own write to config.json
	"install":         always,                  // a new server
	"update":          always,                  // another version of a server's program
	"secrets.set":     always,                  // what a server runs as (another account's token)
	"clients.restore": always,                  // hands a client's servers back to it, outside MCP Tray
	"policy.set":      (*Daemon).ruleLoosens,   // allow, ask over deny, trust on
	"policy.trust":    trustOn,
	"kube.use":        (*Daemon).kubeUseLoosens, // a production context, a namespace limit lifted
	"kube.forget":     always,                   // a server no longer guarded as a Kubernetes server
	"clients.set":     field("enabled", true),   // binding a client (to more servers)
	"servers.enable":  field("enabled", true),
	"pause":           field("paused", false), // resuming after "Pause all"
	"clients.import":  field("dryRun", false), // new servers from a client's settings
	"servers.sandbox": (*Daemon).sandboxLoosens,
}

func always(*Daemon, json.RawMessage) bool { return true }

// field says a request loosens when its boolean member name is loose (absent means false).
// The member is matched without regard to case, as the handler's decoder matches it.
func field(name string, loose bool) func(*Daemon, json.RawMessage) bool {
	return func(_ *Daemon, raw json.RawMessage) bool {
		var m map[string]json.RawMessage
		if len(raw) > 0 && json.Unmarshal(raw, &m) != nil {
			return true
		}
		var v bool
		for k, b := range m {
			if strings.EqualFold(k, name) && json.Unmarshal(b, &v) != nil {
				return true
			}
		}
		return v == loose
	}
}

// ruleParams reads policy.set's parameters, and a trust switch should it carry one.
type ruleParams struct {
	Name  string      `json:"name"`
	Tool  string      `json:"tool"`
	Rule  config.Rule `json:"rule"`
	Trust *bool       `json:"trust"`
}

func trustOn(_ *Daemon, raw json.RawMessage) bool {
	var p struct {
		Trust *bool `json:"trust"`
		On    *bool `json:"on"`
		Off   bool  `json:"off"`
	}
	if json.Unmarshal(raw, &p) != nil {
		return true
	}
	switch {
	case p.Trust != nil:
		return *p.Trust
	case p.On != nil:
		return *p.On
	}
	return !p.Off
}

// ruleLoosens: allow loosens; ask loosens a tool that is denied now; deny never does.
func (d *Daemon) ruleLoosens(raw json.RawMessage) bool {
	var p ruleParams
	if json.Unmarshal(raw, &p) != nil {
		return true
	}
	if p.Trust != nil && *p.Trust {
		return true
	}
	switch p.Rule {
	case config.RuleDeny:
		return false
	case config.RuleAsk:
		return d.deniedNow(p.Name, p.Tool)
	case "":
		return p.Trust == nil // trust off tightens; no rule at all the handler refuses anyway
	}
	return true
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
	var p ExpectParams
	if json.Unmarshal(raw, &p) != nil {
		return true
	}
	// Judged against what the person accepted, not against the caller's own "before": a
	// caller could otherwise claim allow→ask while the accepted rule is deny.
	return d.expectWouldLoosen(p)
}

// kubeUseLoosens: switching to a production context loosens (its cluster is the one that
// matters), and so does lifting or changing the server's namespace limit; another switch does
// not. A context MCP Tray cannot classify counts as production.
func (d *Daemon) kubeUseLoosens(raw json.RawMessage) bool {
	var p KubeUseParams
	if json.Unmarshal(raw, &p) != nil {
		return true
	}
	if ns := kubeNamespaceOf(d.currentConfig().Servers[p.Server]); ns != "" && ns != p.Namespace {
		return true // lifts or changes the server's namespace limit
	}
	src, _, err := d.kube.load()
	if err != nil {
		return true
	}
	c, ok := src.Context(p.Context)
	if !ok {
		return false // the handler refuses an unknown context
	}
	return production(d.currentConfig()).Is(c)
}

// loosens reports whether a request loosens anything. Parameters of a listed method that do not
// read one way only (a member twice, or in two spellings that differ by case only) count as
// loosening: the handler's decoder might read them otherwise than the table.
func (d *Daemon) loosens(method string, params json.RawMessage) bool {
	f := loosening[method]
	if f == nil {
		return false
	}
	return ambiguous(params) || f(d, params)
}

// ambiguous reports whether an object's members at any depth repeat a name, exactly or up to
// case (Go's decoder matches names without regard to case and keeps the last), or have a name
// outside ASCII (where Unicode case folding would make more names alike; no parameter has one).
func ambiguous(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var walk func() bool // reads one value; true when ambiguous
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				key, err := dec.Token()
				name, ok := key.(string)
				if err != nil || !ok || !ascii(name) || seen[strings.ToLower(name)] {
					return true
				}
				seen[strings.ToLower(name)] = true
				if walk() {
					return true
				}
			}
			_, err = dec.Token()
			return err != nil
		case json.Delim('['):
			for dec.More() {
				if walk() {
					return true
				}
			}
			_, err = dec.Token()
			return err != nil
		}
		return false
	}
	return walk()
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// authorize is the control server's guard: a loosening request passes only from the person.
func (d *Daemon) authorize(ctx context.Context, op, method string, params json.RawMessage) error {
	if op == control.OpConnect {
		return nil
	}
	if !d.loosens(method, params) {
		return nil
	}
	peer, _ := control.PeerFrom(ctx)
	if why := d.authz.notFromPerson(peer.Pid); why != "" {
		d.log.Warn("refused a request that only the person may make", "method", method, "pid", peer.Pid, "because", why)
		return ErrNotFromPerson
	}
	return nil
}

// authority is what the daemon knows of who may loosen: itself, the window process it started,
// and the live bridges with the AI apps that started them. It is safe for concurrent use.
type authority struct {
	self proc.ID

	mu      sync.Mutex
	windows map[proc.ID]bool
	bridges map[int]bridgePeer // by a key of the connection
	next    int
}

func newAuthority() *authority {
	self, _ := proc.Identify(os.Getpid())
	return &authority{self: self, windows: map[proc.ID]bool{}, bridges: map[int]bridgePeer{}}
}

// notFromPerson says why the process pid may not loosen anything, or "" when it may. It walks
// the ancestry of the process, and of the leaders of its process group and session: a program
// that detached from its parent (`(mcptray approve ID &)` in a shell) is given to another
// parent, but keeps the group and session it came from.
func (a *authority) notFromPerson(pid int) string {
	if pid <= 0 {
		return "the system did not say which program asked"
	}
	if pid == a.self.Pid {
		return "" // the tray, in this process
	}
	asker, err := proc.Lookup(pid)
	if err != nil {
		return "its process could not be read: " + err.Error()
	}
	a.mu.Lock()
	window := a.windows[asker.ID]
	a.mu.Unlock()
	if window {
		return "" // the window process the tray started, itself
	}
	for _, leader := range []int{pid, asker.Group, asker.Session} {
		if leader <= 1 || (leader != pid && leader == a.self.Pid) {
			// pid 1 leads nothing that matters; the daemon leads the group of what it started
			// without a group of its own (the window), checked by ancestry instead.
			continue
		}
		chain, err := proc.Ancestry(leader)
		if err != nil || chain[0].Start > asker.Start {
			continue // the leader is gone (or its pid is another's now): nothing to learn from it
		}
		if why := a.descends(chain); why != "" {
			return why
		}
	}
	return ""
}

// descends says whether a chain of processes (nearest first) holds the daemon or a bridge's
// AI app, and which.
func (a *authority) descends(chain []proc.Info) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range chain {
		if p.Pid == a.self.Pid { // the daemon is alive: its pid is its own
			return "it was started by MCP Tray (a server, or a program a server ran)"
		}
		for _, b := range a.bridges {
			if p.ID == b.app || p.ID == b.root || p.ID == b.bridge || (b.outer != proc.ID{} && p.ID == b.outer) {
				return "it was started by an AI app connected through MCP Tray (" + b.appExe + ")"
			}
		}
	}
	return ""
}

// WindowStarted records pid as MCP Tray's window process, which the tray started: it may
// approve and change permissions though it descends from the daemon. Only that very process
// may (its start time is recorded); programs it runs may not. Safe for concurrent use.
func (d *Daemon) WindowStarted(pid int) {
	id, err := proc.Identify(pid)
	if err != nil {
		d.log.Warn("the window process could not be read; it will not be able to approve", "pid", pid, "err", err)
		return
	}
	d.authz.addWindow(id)
}

func (a *authority) addWindow(id proc.ID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for w := range a.windows {
		if !w.Live() {
			delete(a.windows, w)
		}
	}
	a.windows[id] = true
}

type bridgeKey struct{}

// trackBridges wraps the bridge handler: from the connect request until the relay ends, the
// bridge and its parent (the AI app) are recorded, so that neither they nor anything they
// start may loosen. The handler finds the record in its context (bridgeApp).
func (d *Daemon) trackBridges(next control.ConnectFunc) control.ConnectFunc {
	return func(ctx context.Context, h control.Hello, files []*os.File) (func(net.Conn, *bufio.Reader), error) {
		peer, _ := control.PeerFrom(ctx)
		b := identifyBridge(peer.Pid)
		forget := d.authz.addBridge(b)
		relay, err := next(context.WithValue(ctx, bridgeKey{}, b), h, files)
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

// addBridge records b until the returned function is called.
func (a *authority) addBridge(b bridgePeer) (forget func()) {
	a.mu.Lock()
	a.next++
	key := a.next
	a.bridges[key] = b
	a.mu.Unlock()
	return func() {
		a.mu.Lock()
		delete(a.bridges, key)
		a.mu.Unlock()
	}
}

// bridgePeer is one live `mcptray connect` bridge and the AI app that started it.
type bridgePeer struct {
	bridge, app proc.ID // zero when unknown
	appExe      string  // the AI app's program file, as the system reports it
	// root is the app's farthest ancestor running the same program, up an unbroken line: an
	// app made of several processes of one program (an Electron app's extension host, its
	// terminal host, its main process) is one app, and what any of them runs is the app's.
	root proc.ID
	// outer is the first ancestor of the app that is not a shell, when the app is a shell: an
	// AI app that starts its servers through `sh -c` (or cmd.exe) is the shell's parent, and
	// the agent's own shell commands descend from that, not from the shell that ran the bridge.
	outer proc.ID
}

// shells are the program names of command interpreters an AI app may start a bridge through.
var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "zsh": true, "ksh": true, "fish": true,
	"busybox": true, "cmd.exe": true, "powershell.exe": true, "pwsh": true, "pwsh.exe": true}

// isShell reports whether exe is a command interpreter.
func isShell(exe string) bool {
	return shells[strings.ToLower(filepath.Base(exe))]
}

// identifyBridge reads the bridge process, its parent (the AI app) and the app's root. A
// parent that is pid 1 is no AI app (the bridge was orphaned) and is not recorded: every
// process descends from it.
func identifyBridge(pid int) bridgePeer {
	var b bridgePeer
	if pid <= 0 {
		return b
	}
	chain, err := proc.Ancestry(pid)
	if err != nil {
		return b
	}
	b.bridge = chain[0].ID
	if len(chain) < 2 || chain[1].Pid <= 1 {
		return b
	}
	app, above := chain[1], chain[2:]
	b.app, b.root = app.ID, app.ID
	exe, err := proc.Executable(app.Pid)
	if err != nil || !app.ID.Live() {
		return b
	}
	b.appExe = exe
	if i := slices.IndexFunc(above, func(p proc.Info) bool { return p.Pid <= 1 }); i >= 0 {
		above = above[:i] // every process descends from pid 1: it is nobody's app
	}
	for i, curExe := 0, exe; i < len(above) && isShell(curExe); i++ {
		if curExe, err = proc.Executable(above[i].Pid); err != nil {
			break
		}
		b.outer = above[i].ID
	}
	for _, up := range above {
		if upExe, err := proc.Executable(up.Pid); err != nil || upExe != exe {
			break
		}
		b.root = up.ID
	}
	return b
}

// bridgeApp is the program file of the AI app behind the bridge a connect handler serves, as
// the system reports it; "" when unknown.
func bridgeApp(ctx context.Context) string {
	b, _ := ctx.Value(bridgeKey{}).(bridgePeer)
	return b.appExe
}
