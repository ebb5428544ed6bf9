package installer

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mcptray/mcptray/bundle"
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/internal/prose"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/remote"
	"github.com/mcptray/mcptray/store"
)

// DefaultListTimeout bounds the wait for a new server's tool list: a cold npx, uvx or docker
// download of a large package can take a few minutes.
const DefaultListTimeout = 5 * time.Minute

// DefaultHeartbeat is how often a waiting install says it is still waiting.
const DefaultHeartbeat = 10 * time.Second

// Installer installs and updates catalog servers. Set the fields before first use; methods are
// then safe for concurrent use (config.json's lock keeps concurrent installs apart).
type Installer struct {
	Source  Source
	Keys    keychain.Store // nil: entries that need secrets cannot be installed
	Runtime Runtime
	// Resolve finds a runtime's command; nil means the real PATH lookup.
	Resolve Resolver
	// ListTimeout bounds the wait for the tool list; 0 means DefaultListTimeout.
	ListTimeout time.Duration
	// Heartbeat is how often a waiting install reports progress; 0 means DefaultHeartbeat.
	Heartbeat time.Duration
	// Store is where npm servers are installed (see HomeStore); nil means they are not
	// installed but run with npx as the catalog entry says.
	Store *store.Store

	mu   sync.Mutex
	busy map[string]bool // server names being installed right now
}

// reserve claims name for one install at a time (a double click installs once); it reports
// false when another install holds it.
func (in *Installer) reserve(name string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.busy[name] {
		return false
	}
	if in.busy == nil {
		in.busy = map[string]bool{}
	}
	in.busy[name] = true
	return true
}

func (in *Installer) release(name string) {
	in.mu.Lock()
	defer in.mu.Unlock()
	delete(in.busy, name)
}

// failure is an install error whose text is the sentence to show.
type failure struct{ msg string }

func (f failure) Error() string { return f.msg }

func failf(format string, args ...any) error { return failure{fmt.Sprintf(format, args...)} }

// Install installs req, calling report (on this goroutine) with each step; the last report is
// StepDone or StepFailed. It blocks until the server listed its tools or the install failed,
// and returns the tool names or the error whose sentence the failed report carries. On any
// failure, including ctx ending, every step already taken is undone: no server entry, no
// secret and no client entry is left behind.
func (in *Installer) Install(ctx context.Context, req Request, report func(Progress)) ([]string, error) {
	j := &job{in: in, req: req, report: report, name: strings.TrimSpace(req.Name)}
	tools, err := j.run(ctx)
	if j.reserved {
		defer in.release(j.name)
	}
	if err != nil {
		msg := prose.Sentence(err)
		if undoErr := j.undo(); undoErr != nil {
			msg = strings.TrimSuffix(msg, ".") + "; " + lowerFirst(prose.Sentence(undoErr))
		} else if j.changed {
			msg = strings.TrimSuffix(msg, ".") + ". Nothing was installed."
		}
		j.say(StepFailed, "%s", msg)
		return nil, failure{msg}
	}
	return tools, nil
}

// job is one install in progress and what it has done so far, for undo.
type job struct {
	in     *Installer
	req    Request
	report func(Progress)
	name   string
	entry  catalog.Entry
	plan   catalog.InstallPlan

	reserved     bool                             // the name is held against other installs
	changed      bool                             // something was written
	secrets      []string                         // keys stored in the keychain
	addedServer  bool                             // config.json has the server
	prevBindings map[string]*config.ClientBinding // client id → binding before (nil: none)
	syncFailed   bool                             // writing the AI apps' files failed: undo does not say so again
	frozen       *config.Frozen                   // built into MCP Tray's folder (freeze.go)
	bundle       *bundle.Bundle                   // the bundle file being installed (bundle.go)
	command      string                           // the frozen command line
	args         []string
}

func (j *job) say(step Step, format string, args ...any) {
	p := Progress{Step: step, Message: fmt.Sprintf(format, args...), Server: j.name}
	j.report(p)
}

func (j *job) run(ctx context.Context) ([]string, error) {
	j.say(StepChecking, "Checking %s and what it needs.", requestName(j.req.ID))
	if err := j.checkRequest(ctx); err != nil {
		return nil, err
	}
	// Hold the name, then look again: another install of it may have finished meanwhile, and
	// its secrets must not be overwritten and then deleted by this one's undo.
	if !j.in.reserve(j.name) {
		return nil, failf("%q is being installed already; wait for that install to finish.", j.name)
	}
	j.reserved = true
	if cfg, err := j.in.Source.Home.Load(); err == nil {
		if _, taken := cfg.Servers[j.name]; taken {
			return nil, nameTaken(j.name)
		}
	}
	if err := j.freeze(ctx); err != nil {
		return nil, err
	}
	if err := j.unpackBundle(); err != nil {
		return nil, err
	}
	j.say(StepSaving, "%s", savingMessage(len(j.plan.Secrets)))
	if err := j.save(ctx); err != nil {
		return nil, err
	}
	if j.plan.Remote != nil {
		j.say(StepStarting, "Connecting to %s at %s.", shownTitle(j.entry), display.Line(remote.Host(j.plan.Remote.URL)))
	} else {
		j.say(StepStarting, "Starting %s.", shownTitle(j.entry))
	}
	started := time.Now()
	j.in.Runtime.Forget(j.name)
	j.in.Runtime.Apply()
	var tools []string
	signIn := false
	if j.entry.Meta.Kubernetes && j.plan.Remote == nil {
		// A Kubernetes server waits for the person to choose the one context it may use.
		j.say(StepListing, "%s starts once you choose the Kubernetes context it may use (mcptray kube use %s CONTEXT).", shownTitle(j.entry), j.name)
	} else {
		var err error
		tools, err = j.in.waitForTools(ctx, j.name, shownTitle(j.entry), j.plan.Remote != nil, started, j.say)
		// A remote server that wants the person to sign in is installed: it is reachable,
		// and signing in (which needs the person) makes it work.
		if signIn = j.plan.Remote != nil && needsSignIn(err); err != nil && !signIn {
			return nil, err
		}
	}
	if err := j.bindClients(ctx); err != nil {
		return nil, err
	}
	msg := doneMessage(shownTitle(j.entry), tools, j.req.Clients, j.entry.Meta.Kubernetes && j.plan.Remote == nil)
	if signIn {
		msg = signInMessage(shownTitle(j.entry), j.name)
	}
	j.report(Progress{Step: StepDone, Server: j.name, Tools: nonNil(tools), Message: msg})
	return tools, nil
}
