package installer

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/store"
)

// Catalog npm servers are installed into MCP Tray's own folder (servers/NAME/VERSION) before
// they are saved: npm installs the exact version with every dependency locked, the registry's
// signatures are checked, and the server is saved to start as `node …/bin.js` — npx never
// runs, so nothing is resolved or downloaded when it starts. See docs/install.md.

// FreezePlan says whether an install of plan (from e) is frozen, and if so what to build and
// the server's own arguments (the ones after the package). Only npm packages launched as
// `npx -y [--registry=URL] pkg@version` (or `--package=pkg@version CMD`) are frozen: other
// runtime flags would change what npx does, and the server then runs as the entry says.
func FreezePlan(e catalog.Entry, plan catalog.InstallPlan) (p store.Package, serverArgs []string, ok bool) {
	if plan.Runtime != catalog.RuntimeNPX || len(e.Server.Packages) == 0 {
		return store.Package{}, nil, false
	}
	pkg := e.Server.Packages[0]
	spec := pkg.Identifier + "@" + pkg.Version
	p = store.Package{Registry: "npm", Name: pkg.Identifier, Version: pkg.Version, Bin: e.Meta.Command}
	args := plan.Args
	if len(args) == 0 || args[0] != "-y" {
		return store.Package{}, nil, false
	}
	args = args[1:]
	if len(args) > 0 && strings.HasPrefix(args[0], "--registry=") {
		p.RegistryURL = strings.TrimPrefix(args[0], "--registry=")
		if u, err := url.Parse(p.RegistryURL); err != nil || u.Scheme != "https" && u.Scheme != "http" {
			return store.Package{}, nil, false
		}
		args = args[1:]
	}
	switch {
	case len(args) >= 2 && args[0] == "--package="+spec && args[1] == e.Meta.Command:
		args = args[2:]
	case len(args) >= 1 && args[0] == spec:
		args = args[1:]
	default:
		return store.Package{}, nil, false
	}
	return p, slices.Clone(args), true
}

// HomeStore is the store of installed servers in MCP Tray's home: servers/.
func HomeStore(home config.Home) *store.Store {
	return &store.Store{Root: filepath.Join(string(home), "servers")}
}

// freeze builds the package into MCP Tray's folder when the plan is frozen, and notes the
// command line the server is saved with. Undo removes what it built.
func (j *job) freeze(ctx context.Context) error {
	p, serverArgs, ok := FreezePlan(j.entry, j.plan)
	st := j.in.Store
	if !ok || st == nil {
		return nil
	}
	j.changed = true // a build writes into servers/NAME (and removes what it wrote when it fails)
	f, argv, err := st.Build(ctx, j.name, p, func(msg string) { j.say(StepDownloading, "%s", msg) })
	if errors.Is(err, store.ErrExists) {
		// Left over from an install that was not undone (MCP Tray stopped mid-way): the server
		// is not in config.json, so nothing runs it; build afresh.
		if err = st.Remove(j.name, p.Version); err == nil {
			f, argv, err = st.Build(ctx, j.name, p, func(msg string) { j.say(StepDownloading, "%s", msg) })
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s could not be installed: %w", j.entry.Title(), err)
	}
	j.frozen = &f
	j.command, j.args = argv[0], append(argv[1:], serverArgs...)
	return nil
}

// unfreeze removes what freeze built.
func (j *job) unfreeze() error {
	if j.frozen == nil {
		return nil
	}
	if err := j.in.Store.Remove(j.name, j.frozen.Version); err != nil {
		return fmt.Errorf("the installed files of %q could not be removed again (%v)", j.name, err)
	}
	return nil
}

// serverCommand is the command line the server is saved with: the frozen one, or the plan's.
func (j *job) serverCommand() (string, []string, *config.Frozen) {
	if j.frozen != nil {
		return j.command, j.args, j.frozen
	}
	return j.plan.Command, j.plan.Args, nil
}
