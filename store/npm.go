package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/mcptray/mcptray/config"
)

// buildNpm installs an npm package with `npm install` of the exact version into a folder of
// its own, keeps the package-lock.json npm writes, checks the registry's signatures (and the
// top package's provenance) and finds the package's program.
func (s *Store) buildNpm(ctx context.Context, server string, p Package, progress func(string)) (config.Frozen, []string, error) {
	if !npmNameRE.MatchString(p.Name) || len(p.Name) > 214 {
		return config.Frozen{}, nil, fmt.Errorf("%q is not an npm package name", p.Name)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return config.Frozen{}, nil, errors.New("npm was not found on this computer; install Node.js from https://nodejs.org and try again")
	}
	node, err := lookAbs("node")
	if err != nil {
		return config.Frozen{}, nil, errors.New("node was not found on this computer; install Node.js from https://nodejs.org and try again")
	}
	final := s.Dir(server, p.Version)
	tmp, err := s.tempDir(server, p.Version)
	if err != nil {
		return config.Frozen{}, nil, err
	}
	built := false
	defer func() {
		if !built {
			discard(tmp)
		}
	}()
	if err := os.WriteFile(filepath.Join(tmp, "package.json"), []byte(`{"name":"mcptray-installed-server","private":true}`+"\n"), 0o644); err != nil {
		return config.Frozen{}, nil, fmt.Errorf("preparing the folder for %s: %w", p.Name, err)
	}
	spec := p.Name + "@" + p.Version
	args := npmInstallArgs(spec, p)
	progress(fmt.Sprintf("Installing %s and its dependencies with npm into MCP Tray's folder.", spec))
	cmd := exec.CommandContext(ctx, npm, args...)
	cmd.Dir, cmd.Env = tmp, s.environ()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return config.Frozen{}, nil, ctx.Err()
		}
		return config.Frozen{}, nil, fmt.Errorf("npm could not install %s (%v): %s", spec, err, npmReason(out.String()))
	}
	lockBytes, err := os.ReadFile(filepath.Join(tmp, "package-lock.json"))
	if err != nil {
		return config.Frozen{}, nil, fmt.Errorf("npm installed %s but wrote no package-lock.json", spec)
	}
	locked, err := parseLock(lockBytes)
	if err != nil {
		return config.Frozen{}, nil, err
	}
	top, ok := locked.find(p.Name)
	if !ok || top.Version != p.Version {
		return config.Frozen{}, nil, fmt.Errorf("npm did not install %s as asked", spec)
	}
	registry := p.RegistryURL
	if registry == "" {
		registry = s.npmRegistry(ctx, npm)
	}
	check, err := s.checkNpm(ctx, registry, locked, top)
	if err != nil {
		return config.Frozen{}, nil, err
	}
	for _, line := range check.lines {
		progress(line)
	}
	entry, err := npmEntry(tmp, p.Name, p.Bin)
	if err != nil {
		return config.Frozen{}, nil, err
	}
	m, err := putInPlace(tmp, final, spec)
	if err != nil {
		return config.Frozen{}, nil, err
	}
	built = true
	f := config.Frozen{Registry: "npm", Package: p.Name, Version: p.Version, Dir: final,
		Lock: checksum(lockBytes), Tree: checksum(m), Scripts: p.Scripts, Provenance: check.provenance}
	return f, []string{node, filepath.Join(final, entry)}, nil
}

// npmNameRE is what npm accepts as a new package's name (lowercase, one optional scope).
var npmNameRE = regexp.MustCompile(`^(@[a-z0-9-~][a-z0-9-._~]*/)?[a-z0-9-~][a-z0-9-._~]*$`)

// npmInstallArgs is the npm command line that installs spec exactly, with its lock.
func npmInstallArgs(spec string, p Package) []string {
	args := []string{"install", "--no-audit", "--no-fund", "--save-exact", "--package-lock=true",
		"--omit=dev", "--no-update-notifier", "--loglevel=error"}
	if !p.Scripts {
		args = append(args, "--ignore-scripts")
	}
	if p.RegistryURL != "" {
		args = append(args, "--registry="+p.RegistryURL)
	}
	return append(args, "--", spec)
}

// npmRegistry asks npm which registry it installs from.
func (s *Store) npmRegistry(ctx context.Context, npm string) string {
	cmd := exec.CommandContext(ctx, npm, "config", "get", "registry")
	cmd.Env = s.environ()
	out, err := cmd.Output()
	if r := strings.TrimSpace(string(out)); err == nil && strings.HasPrefix(r, "http") {
		return r
	}
	return "https://registry.npmjs.org/"
}

// npmEntry finds the program of package name inside dir: its package.json "bin", the only
// one, the one called bin, or the one named like the package. It returns the path relative
// to dir.
func npmEntry(dir, name, bin string) (string, error) {
	pkgDir := filepath.Join(dir, "node_modules", filepath.FromSlash(name))
	raw, err := os.ReadFile(filepath.Join(pkgDir, "package.json"))
	if err != nil {
		return "", fmt.Errorf("the installed %s has no package.json", name)
	}
	var pj struct {
		Bin json.RawMessage `json:"bin"`
	}
	if err := json.Unmarshal(raw, &pj); err != nil {
		return "", fmt.Errorf("the package.json of %s could not be read: %w", name, err)
	}
	bins := map[string]string{}
	var one string
	if json.Unmarshal(pj.Bin, &one) == nil && one != "" {
		bins[unscoped(name)] = one
	} else if err := json.Unmarshal(pj.Bin, &bins); err != nil || len(bins) == 0 {
		return "", fmt.Errorf("%s has no program to run (its package.json names no \"bin\")", name)
	}
	rel, ok := bins[bin]
	switch {
	case ok && bin != "":
	case len(bins) == 1:
		for _, v := range bins {
			rel = v
		}
	default:
		if rel, ok = bins[unscoped(name)]; !ok {
			return "", fmt.Errorf("%s has several programs and MCP Tray cannot tell which one is the server", name)
		}
	}
	path := filepath.Join(pkgDir, filepath.FromSlash(rel))
	if !within(path, pkgDir) {
		return "", fmt.Errorf("the program of %s lies outside the package", name)
	}
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
		return "", fmt.Errorf("the program %s of %s is missing", rel, name)
	}
	return filepath.Rel(dir, path)
}

func unscoped(name string) string {
	if i := strings.LastIndex(name, "/"); i >= 0 {
		return name[i+1:]
	}
	return name
}

func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// lookAbs finds a program on PATH and makes its path absolute.
func lookAbs(name string) (string, error) {
	p, err := exec.LookPath(name)
	if err != nil {
		return "", err
	}
	return filepath.Abs(p)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " / ")
}

// npmReason picks what npm said was wrong from its output, without its log file and advice.
func npmReason(out string) string {
	var why []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		rest, ok := strings.CutPrefix(line, "npm error ")
		if !ok {
			rest, ok = strings.CutPrefix(line, "npm ERR! ")
		}
		if !ok {
			continue
		}
		if f := strings.Fields(rest); len(f) > 1 && strings.ToLower(f[0]) == f[0] && !strings.Contains(f[0], ".") {
			if f[0] == "code" {
				continue
			}
			rest = strings.Join(f[1:], " ") // "notarget No matching …" → "No matching …"
		}
		if strings.HasPrefix(rest, "A complete log") || strings.HasPrefix(rest, "In most cases") {
			continue
		}
		why = append(why, rest)
	}
	if len(why) == 0 {
		return lastLines(out, 3)
	}
	if len(why) > 3 {
		why = why[:3]
	}
	return strings.Join(why, " / ")
}
