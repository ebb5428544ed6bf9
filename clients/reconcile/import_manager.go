package reconcile

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/kube"
)

// Managers are the other MCP managers whose setup PlanManagerImport reads, by the name the
// command line takes.
var Managers = []string{"mcpproxy", "toolhive", "docker", "mcprouter"}

// ManagerPlan is the plan of taking over another manager's setup: an ImportPlan, plus the
// credentials MCP Tray could not read from the manager and must be given (Provide).
type ManagerPlan struct {
	*ImportPlan
	// Needed are the credentials the planned servers need whose values the manager keeps
	// where MCP Tray cannot read them (its own secret store), in plan order.
	Needed []NeededSecret
}

// NeededSecret is one credential a planned server needs and MCP Tray must be given.
type NeededSecret struct {
	Server string // the MCP Tray server that needs it
	Key    string // the environment variable the server reads it from
	// Where says, for the person, where the manager kept it: "ToolHive's secret github".
	Where string
}

// PlanManagerImport plans taking over the servers of another MCP manager's setup, for a
// person moving to MCP Tray: each server it ran becomes an MCP Tray server, its credentials
// go to the keychain, and what it can honour of the manager's settings comes along (as for
// PlanImport). A server MCP Tray cannot run is listed in Skipped with the reason; none is
// dropped without a word. The manager's files are only read, never changed, and no AI
// client is switched on: the person points their clients at MCP Tray (client enable) and
// stops the other manager. path "" means the manager's usual place:
//   - "mcpproxy": MCPProxy, ~/.mcpproxy/mcp_config.json;
//   - "toolhive": ToolHive's run configs (clients.ToolHiveDir), or one exported run config;
//   - "docker": Docker's MCP Toolkit, ~/.docker/mcp (clients.DockerMCPDir);
//   - "mcprouter": MCP Router's export (the file its Export button saves): the newest
//     mcp-servers-DATE.json in the Downloads folder (clients.FindMCPRouterExport).
//
// Container images (ToolHive, Docker) become servers MCP Tray runs with docker run, the way
// the catalog runs an OCI package. It only reads.
func PlanManagerImport(opts ImportOptions, manager, path string) (*ManagerPlan, error) {
	if !slices.Contains(Managers, manager) {
		return nil, fmt.Errorf("MCP Tray cannot import from %q; it knows how to import from %s", manager, strings.Join(Managers, ", "))
	}
	stateHome := ""
	if opts.Env.GOOS == "" {
		opts.Env = clients.FromOS()
		stateHome = os.Getenv("XDG_STATE_HOME")
	}
	cfg, err := opts.Home.Load()
	if err != nil {
		return nil, err
	}
	p := &ManagerPlan{ImportPlan: &ImportPlan{opts: opts, prod: kube.Production{Patterns: cfg.Settings.ProductionPatterns, Contexts: cfg.Settings.ProductionContexts}}}
	taken := map[string]bool{}
	for name := range cfg.Servers {
		taken[name] = true
	}
	switch manager {
	case "mcpproxy":
		if path == "" {
			path = clients.MCPProxyPath(opts.Env)
		}
		err = p.planMCPProxy(path, taken)
	case "toolhive":
		if path == "" {
			path = clients.ToolHiveDir(opts.Env, stateHome)
		}
		err = p.planToolHive(path, taken)
	case "docker":
		if path == "" {
			path = clients.DockerMCPDir(opts.Env)
		}
		err = p.planDocker(path, taken)
	case "mcprouter":
		err = p.planMCPRouter(path, taken)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (p *ManagerPlan) planMCPProxy(path string, taken map[string]bool) error {
	p.From = "MCPProxy"
	setup, err := clients.ReadMCPProxy(path)
	if err != nil {
		return err
	}
	for _, s := range setup.Servers {
		switch {
		case s.Quarantined:
			p.skip(path, s.Key, "MCPProxy keeps it in quarantine until you approve it, so it never ran; add it yourself once you trust it (mcptray server add)")
			continue
		case s.Remote && s.Command != "":
			p.skip(path, s.Key, "MCPProxy starts its program and then reaches it over the network, which MCP Tray does not do; add the program yourself (mcptray server add)")
			continue
		}
		is := p.add(path, s.Server, taken)
		if is == nil {
			continue
		}
		if setup.CallTimeout > 0 && len(is.Server.Limits) == 0 {
			is.Note = joinNotes(is.Note, keepTimeout(is.Server, setup.CallTimeout))
		}
		if s.Isolated {
			is.Note = joinNotes(is.Note, "MCPProxy ran it inside a Docker container; MCP Tray runs it as a program on this computer, so choose what it may touch with: mcptray sandbox "+is.Name)
		}
	}
	return nil
}

// add plans the import of s and returns the planned server, or nil when s was skipped. A
// name that differs from a taken one only in capitals ("GitHub" and "github") is renamed
// too: the two would share their folders on a system that ignores case, and read as one.
func (p *ManagerPlan) add(path string, s clients.Server, taken map[string]bool) *ImportServer {
	if !p.consider(nil, path, s, "", taken) {
		return nil
	}
	is := &p.Servers[len(p.Servers)-1]
	if clash := foldClash(is.Name, taken); clash != "" {
		base := is.Name
		delete(taken, base) // plan() took it; the server will not have it
		name := base
		for i := 2; taken[name] || foldClash(name, taken) != ""; i++ {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		taken[name] = true
		is.Name = name
		is.Note = joinNotes(fmt.Sprintf("named %q because %q differs from %q only in capitals", name, base, clash), is.Note)
	}
	return is
}

// foldClash returns a name in taken other than name that equals it but for capitals, or "".
func foldClash(name string, taken map[string]bool) string {
	for t := range taken {
		if t != name && strings.EqualFold(t, name) {
			return t
		}
	}
	return ""
}

func (p *ManagerPlan) skip(path, key, reason string) {
	p.Skipped = append(p.Skipped, ImportSkip{Path: path, Key: key, Reason: reason})
}

// need records that the planned server is needs key, kept by the manager where MCP Tray
// cannot read it; value, when the person's environment has it (ToolHive's environment
// secret store), is taken at once.
func (p *ManagerPlan) need(is *ImportServer, key, where, value string) {
	if is.Same {
		return // the server it is the same as needs it already
	}
	if value != "" {
		p.provide(is, key, value)
		is.Note = joinNotes(is.Note, fmt.Sprintf("its %s is taken from %s in your environment", key, where))
		return
	}
	p.Needed = append(p.Needed, NeededSecret{Server: is.Name, Key: key, Where: where})
}

// Provide gives the value of a needed credential (asked from the person) before Execute:
// it goes to the keychain with the other credentials. A value for a credential the plan
// does not need is ignored; an empty one leaves it needed.
func (p *ManagerPlan) Provide(server, key, value string) {
	if value == "" {
		return
	}
	for i, n := range p.Needed {
		if n.Server != server || n.Key != key {
			continue
		}
		for j := range p.Servers {
			if p.Servers[j].Name == server && !p.Servers[j].Same {
				p.provide(&p.Servers[j], key, value)
				p.Needed = slices.Delete(p.Needed, i, i+1)
				return
			}
		}
	}
}

func (p *ManagerPlan) provide(is *ImportServer, key, value string) {
	if is.secrets == nil {
		is.secrets = map[string]string{}
	}
	is.secrets[key] = value
	is.Server.DeclareSecret(key)
}

// Execute carries the plan out (ImportPlan.Execute); each credential still needed is then
// declared on its server without a value, so `mcptray secret list` and the window show it
// as missing until the person sets it (mcptray secret set SERVER KEY). It blocks on the
// keychain and on file I/O.
func (p *ManagerPlan) Execute(ctx context.Context) (ImportResult, error) {
	res, err := p.ImportPlan.Execute(ctx)
	if err != nil || len(p.Needed) == 0 || len(p.Servers) == 0 {
		return res, err
	}
	err = p.opts.Home.Update(func(c *config.Config) error {
		for _, n := range p.Needed {
			if s := c.Servers[n.Server]; s != nil {
				s.DeclareSecret(n.Key)
			}
		}
		return nil
	})
	if err != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("MCP Tray could not note which credentials are still missing (%s); set them with: mcptray secret set SERVER KEY", errorSentence(err)))
	}
	return res, nil
}

// dockerRun is how MCP Tray runs a container image, as the catalog runs an OCI package:
// docker run -i --rm, each variable passed by name only (-e NAME: docker copies the value
// from its own environment, so no value shows in the process list), then extra, the
// mounts, the image and its arguments.
func dockerRun(key, image string, env map[string]string, secretEnv, extra, volumes, args []string) clients.Server {
	run := []string{"run", "-i", "--rm"}
	names := slices.Sorted(maps.Keys(env))
	for _, k := range secretEnv {
		if _, ok := env[k]; !ok {
			names = append(names, k)
		}
	}
	for _, k := range names {
		run = append(run, "-e", k)
	}
	run = append(run, extra...)
	for _, v := range volumes {
		run = append(run, "-v", v)
	}
	run = append(append(run, image), args...)
	return clients.Server{Key: key, ServerName: key, Command: "docker", Args: run, Env: maps.Clone(env)}
}
