package installer

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/store"
)

// exactVersionRE is an exact package version: 1.2.3, 1.2.3-beta.1, 2026.8.31, 0.6.2 (no
// ranges or tags).
var exactVersionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+([-.][0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)

// Freezable reads a hand-added server's command line and returns what to install into MCP
// Tray's folder and the server's own arguments: `npx [-y] pkg@VERSION ARGS…`,
// `npx -y --package=pkg@VERSION CMD ARGS…`, `uvx pkg@VERSION ARGS…`, `uvx pkg==VERSION ARGS…`
// or `uvx --from pkg==VERSION CMD ARGS…`, uvx's optionally after `--index-url URL`. For anything else why says, in a few words for a
// sentence, why it cannot be frozen.
func Freezable(s *config.Server) (p store.Package, serverArgs []string, why string) {
	switch strings.TrimSuffix(strings.ToLower(filepath.Base(s.Command)), ".cmd") {
	case "npx":
		return npxFreezable(s.Args)
	case "uvx":
		return uvxFreezable(s.Args)
	}
	return p, nil, "it runs neither npx nor uvx"
}

func npxFreezable(args []string) (p store.Package, serverArgs []string, why string) {
	for len(args) > 0 && (args[0] == "-y" || args[0] == "--yes") {
		args = args[1:]
	}
	if len(args) == 0 {
		return p, nil, "npx is given no package"
	}
	spec := args[0]
	args = args[1:]
	if rest, ok := strings.CutPrefix(spec, "--package="); ok {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return p, nil, "npx is given a package but no program to run from it"
		}
		spec, p.Bin, args = rest, args[0], args[1:]
	} else if strings.HasPrefix(spec, "-") {
		return p, nil, fmt.Sprintf("npx is given the option %s, which MCP Tray cannot carry over", display.Line(spec))
	}
	at := strings.LastIndex(spec, "@")
	if at <= 0 || !exactVersionRE.MatchString(spec[at+1:]) {
		return store.Package{}, nil, fmt.Sprintf("%s names no exact version (write it as package@1.2.3)", display.Line(spec))
	}
	p.Registry, p.Name, p.Version = "npm", spec[:at], spec[at+1:]
	return p, slices.Clone(args), ""
}

func uvxFreezable(args []string) (p store.Package, serverArgs []string, why string) {
	// The index the person chose stays the one the freeze installs from.
	switch {
	case len(args) >= 2 && args[0] == "--index-url":
		p.RegistryURL, args = args[1], args[2:]
	case len(args) >= 1 && strings.HasPrefix(args[0], "--index-url="):
		p.RegistryURL, args = strings.TrimPrefix(args[0], "--index-url="), args[1:]
	}
	if p.RegistryURL != "" && !webURL(p.RegistryURL) {
		return store.Package{}, nil, fmt.Sprintf("uvx is given the index %s, which is not a web address", display.Line(p.RegistryURL))
	}
	if len(args) == 0 {
		return p, nil, "uvx is given no package"
	}
	spec := args[0]
	args = args[1:]
	if spec == "--from" {
		if len(args) < 2 || strings.HasPrefix(args[1], "-") {
			return p, nil, "uvx is given a package but no program to run from it"
		}
		spec, p.Bin, args = args[0], args[1], args[2:]
	} else if strings.HasPrefix(spec, "-") {
		return p, nil, fmt.Sprintf("uvx is given the option %s, which MCP Tray cannot carry over", display.Line(spec))
	}
	name, version, ok := strings.Cut(spec, "==")
	if !ok {
		name, version, ok = strings.Cut(spec, "@")
	}
	if !ok || name == "" || !exactVersionRE.MatchString(version) {
		return store.Package{}, nil, fmt.Sprintf("%s names no exact version (write it as package==1.2.3)", display.Line(spec))
	}
	p.Registry, p.Name, p.Version = "pypi", name, version
	return p, slices.Clone(args), ""
}

// FreezeServer installs the hand-added server name into MCP Tray's folder (Freezable says
// what it runs) and switches config.json to run that copy, keeping everything else of the
// server. progress gets each step's sentence. Nothing is switched, and the build is removed,
// when the server changed meanwhile or anything fails; the error is a sentence.
func FreezeServer(ctx context.Context, home config.Home, name string, progress func(string)) (config.Frozen, error) {
	s, err := home.Server(name)
	if err != nil {
		return config.Frozen{}, err
	}
	if s.Frozen != nil {
		return config.Frozen{}, fmt.Errorf("%s is already installed into MCP Tray's folder (%s)", name, s.Frozen.Dir)
	}
	p, serverArgs, why := Freezable(s)
	if why != "" {
		return config.Frozen{}, fmt.Errorf("MCP Tray can only freeze a server that runs `npx -y package@version` or `uvx package==version`, and %s: %s", name, why)
	}
	st := HomeStore(home)
	f, argv, err := st.Build(ctx, name, p, progress)
	if errors.Is(err, store.ErrExists) {
		return config.Frozen{}, fmt.Errorf("%s %s is already in MCP Tray's folder for %s but not in use; remove %s and try again", p.Name, p.Version, name, st.Dir(name, p.Version))
	}
	if err != nil {
		return config.Frozen{}, fmt.Errorf("%s could not be installed into MCP Tray's folder: %w", name, err)
	}
	err = home.UpdateServer(name, func(now *config.Server) error {
		if now.Command != s.Command || !slices.Equal(now.Args, s.Args) {
			return fmt.Errorf("the server %s was changed meanwhile; nothing was switched", name)
		}
		now.Command, now.Args, now.Frozen = argv[0], append(argv[1:], serverArgs...), &f
		return nil
	})
	if err != nil {
		st.Remove(name, p.Version)
		return config.Frozen{}, err
	}
	return f, nil
}
