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
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/store"
)

// Catalog servers are installed into MCP Tray's own folder (servers/NAME/VERSION) before
// they are saved: npm packages with npm, every dependency locked and the registry's
// signatures checked, started as `node …/bin.js`; PyPI packages into a virtual environment
// of their own from a lock with every file's hash, started as the environment's script;
// images pinned to the digest their tag names at install, run by that digest. npx and uvx
// never run, and a tag pushed again never changes what runs. See docs/install.md.

// FreezePlan says whether an install of plan (from e) is frozen, and if so what to build and
// the server's own arguments (the ones after the package). Frozen are:
//
//   - npm packages launched as `npx -y [--registry=URL] pkg@version` (or
//     `--package=pkg@version CMD`);
//   - PyPI packages launched as `uvx [--index-url URL] pkg@version` (or
//     `--from pkg==version CMD`); the index is the default one unless the plan names
//     another (a hazard the person allowed);
//   - images launched as `docker run -i --rm … image:tag` (an image already named by digest
//     is pinned as it is, and is not frozen).
//
// Any other runtime flag would change what the runtime does, and such a server runs as the
// entry says.
func FreezePlan(e catalog.Entry, plan catalog.InstallPlan) (p store.Package, serverArgs []string, ok bool) {
	if len(e.Server.Packages) == 0 {
		return store.Package{}, nil, false
	}
	switch plan.Runtime {
	case catalog.RuntimeNPX:
		return freezeNpx(e, plan)
	case catalog.RuntimeUVX:
		return freezeUvx(e, plan)
	case catalog.RuntimeDocker:
		return freezeDocker(e, plan)
	}
	return store.Package{}, nil, false
}

func freezeNpx(e catalog.Entry, plan catalog.InstallPlan) (p store.Package, serverArgs []string, ok bool) {
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
		if !webURL(p.RegistryURL) {
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

func freezeUvx(e catalog.Entry, plan catalog.InstallPlan) (p store.Package, serverArgs []string, ok bool) {
	pkg := e.Server.Packages[0]
	p = store.Package{Registry: "pypi", Name: pkg.Identifier, Version: pkg.Version}
	args := plan.Args
	switch {
	case len(args) >= 2 && args[0] == "--index-url":
		p.RegistryURL, args = args[1], args[2:]
	case len(args) >= 1 && strings.HasPrefix(args[0], "--index-url="):
		p.RegistryURL, args = strings.TrimPrefix(args[0], "--index-url="), args[1:]
	}
	if p.RegistryURL != "" && !webURL(p.RegistryURL) {
		return store.Package{}, nil, false
	}
	switch {
	case len(args) >= 3 && args[0] == "--from" && args[1] == pkg.Identifier+"=="+pkg.Version && args[2] == e.Meta.Command:
		p.Bin, args = e.Meta.Command, args[3:]
	case len(args) >= 1 && args[0] == pkg.Identifier+"@"+pkg.Version:
		args = args[1:]
	default:
		return store.Package{}, nil, false
	}
	return p, slices.Clone(args), true
}

func freezeDocker(e catalog.Entry, plan catalog.InstallPlan) (p store.Package, serverArgs []string, ok bool) {
	ref := e.PackageName() + ":" + e.PackageVersion()
	serverArgs = plan.PackageArgs()
	launch := plan.Args[:len(plan.Args)-len(serverArgs)]
	if len(launch) < 4 || !slices.Equal(launch[:3], []string{"run", "-i", "--rm"}) || launch[len(launch)-1] != ref {
		return store.Package{}, nil, false
	}
	p = store.Package{Registry: "oci", Name: e.PackageName(), Version: e.PackageVersion(),
		Args: slices.Clone(launch[:len(launch)-1])}
	return p, slices.Clone(serverArgs), true
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

// builders are the programs that can build a frozen install of each registry; the install
// needs one of them on this computer instead of the runtime the entry names.
var builders = map[string][]string{"npm": {"npx"}, "pypi": {"python3", "uv"}, "oci": {"docker"}}

// needs is the programs one of which an install of the plan needs on this computer: what
// builds it when it is frozen, else the runtime the entry names.
func (j *job) needs() []string {
	if p, _, ok := FreezePlan(j.entry, j.plan); ok && j.in.Store != nil {
		return builders[p.Registry]
	}
	return []string{j.plan.Command}
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
	// What the build says can quote the registry (a provenance's repository, npm's error).
	say := func(msg string) { j.say(StepDownloading, "%s", display.Line(msg)) }
	f, argv, err := st.Build(ctx, j.name, p, say)
	if errors.Is(err, store.ErrExists) {
		// Left over from an install that was not undone (MCP Tray stopped mid-way): the server
		// is not in config.json, so nothing runs it; build afresh.
		if err = st.Remove(j.name, p.Version); err == nil {
			f, argv, err = st.Build(ctx, j.name, p, say)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return failf("%s could not be installed: %s", shownTitle(j.entry), display.Line(err.Error()))
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
