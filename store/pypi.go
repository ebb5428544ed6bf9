package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/config"
)

// DefaultPyPIIndex is the Python package index used when the entry names none.
const DefaultPyPIIndex = "https://pypi.org/simple"

// pypiLockName is the lock kept in the installed folder: the index, then one line per
// package, "name==version --hash=sha256:…", for the package and every dependency.
const pypiLockName = "requirements.lock"

// buildPypi installs a PyPI package into a virtual environment of its own, in three steps
// that each do one thing:
//
//  1. lock: resolve the exact version and every dependency, with the sha256 of each file,
//     into requirements.lock (pip's resolver in a dry run, or uv pip compile);
//  2. make the environment (python3 -m venv, or uv venv);
//  3. install exactly the lock into it: --require-hashes --no-deps, wheels only (no
//     package's build code runs), bytecode compiled now so Python writes nothing into the
//     tree when the server runs.
//
// The console scripts name the build folder's python; they are made to name the final
// folder's before the tree is recorded and renamed into place. The server starts as the
// environment's python running the package's console script, both by absolute path.
func (s *Store) buildPypi(ctx context.Context, server string, p Package, progress func(string)) (config.Frozen, []string, error) {
	if !pypiNameRE.MatchString(p.Name) || !pypiVersionRE.MatchString(p.Version) {
		return config.Frozen{}, nil, fmt.Errorf("%q is not a PyPI package MCP Tray can install", p.Name+"=="+p.Version)
	}
	if p.Bin != "" && !pypiNameRE.MatchString(p.Bin) {
		return config.Frozen{}, nil, fmt.Errorf("%q is not a program name MCP Tray can run", p.Bin)
	}
	index := p.RegistryURL
	if index == "" {
		index = DefaultPyPIIndex
	}
	tool, err := findPythonTool()
	if err != nil {
		return config.Frozen{}, nil, err
	}
	spec := p.Name + "==" + p.Version
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
	run := func(what string, argv ...string) error {
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Dir, cmd.Env = tmp, pythonBuildEnv(s.environ())
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("%s could not %s %s (%v): %s", tool.name(), what, spec, err, pipReason(out.String()))
		}
		return nil
	}

	progress(fmt.Sprintf("Resolving %s and every package it needs, with their checksums, from %s.", spec, index))
	lock, err := tool.lock(ctx, tmp, p, index, run)
	if err != nil {
		return config.Frozen{}, nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, pypiLockName), lock, 0o644); err != nil {
		return config.Frozen{}, nil, fmt.Errorf("writing the lock of %s: %w", spec, err)
	}
	progress(fmt.Sprintf("Installing %s and its dependencies into a Python environment in MCP Tray's folder, each file checked against the lock.", spec))
	venv := filepath.Join(tmp, "venv")
	for _, argv := range tool.install(venv, pypiLockName) {
		if err := run("install", argv...); err != nil {
			return config.Frozen{}, nil, err
		}
	}
	progress("Every file's checksum was checked against the lock (PyPI packages carry no registry signature MCP Tray checks).")
	if err := relocateVenv(venv, filepath.Join(final, "venv")); err != nil {
		return config.Frozen{}, nil, fmt.Errorf("preparing the Python environment of %s: %w", spec, err)
	}
	script := venvScript(p)
	if fi, err := os.Lstat(filepath.Join(tmp, script)); err != nil || !fi.Mode().IsRegular() {
		return config.Frozen{}, nil, fmt.Errorf("%s installed no program called %s", spec, filepath.Base(script))
	}
	m, err := putInPlace(tmp, final, spec)
	if err != nil {
		return config.Frozen{}, nil, err
	}
	built = true
	f := config.Frozen{Registry: "pypi", Package: p.Name, Version: p.Version, Dir: final,
		Lock: checksum(lock), Tree: checksum(m)}
	// The environment's python runs the script: a sandbox lets a runtime's command read its
	// installation (the Python the environment was made from), not a script's.
	return f, []string{filepath.Join(final, "venv", venvBin(), "python"), filepath.Join(final, script)}, nil
}

// pythonBuildEnv is env without the variables that would make pip or uv fetch packages
// from elsewhere than the index the lock names, or make Python load other code, or skip
// writing the bytecode the server must find compiled.
func pythonBuildEnv(env []string) []string {
	drop := []string{"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX", "PIP_PYTHON",
		"PIP_TARGET", "PIP_PREFIX", "PIP_USER", "PIP_ONLY_BINARY", "PIP_NO_BINARY", "PIP_REQUIRE_VIRTUALENV",
		"UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX", "UV_DEFAULT_INDEX", "UV_FIND_LINKS", "UV_PYTHON",
		"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "PYTHONDONTWRITEBYTECODE", "VIRTUAL_ENV"}
	out := make([]string, 0, len(env))
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(drop, strings.ToUpper(k)) {
			out = append(out, kv)
		}
	}
	return out
}

// pythonTool is what builds the environment: Python's own pip, or uv when Python 3 is not
// on this computer but uv is (uv brings its own Python).
type pythonTool struct {
	python string // python3's absolute path; "" when uv is used
	uv     string
}

func (t pythonTool) name() string {
	if t.python != "" {
		return "pip"
	}
	return "uv"
}

func findPythonTool() (pythonTool, error) {
	for _, n := range pythonNames() {
		if p, err := lookAbs(n); err == nil {
			return pythonTool{python: p}, nil
		}
	}
	if uv, err := lookAbs("uv"); err == nil {
		return pythonTool{uv: uv}, nil
	}
	return pythonTool{}, errors.New("Python 3 was not found on this computer; install Python 3 (or uv, from https://docs.astral.sh/uv/) and try again")
}

func pythonNames() []string {
	if runtime.GOOS == "windows" {
		return []string{"python3", "python", "py"}
	}
	return []string{"python3"}
}

// lock resolves p and its dependencies from index into the lock's text.
func (t pythonTool) lock(ctx context.Context, dir string, p Package, index string, run func(string, ...string) error) ([]byte, error) {
	spec := p.Name + "==" + p.Version
	if t.python != "" {
		if err := run("resolve", append([]string{t.python}, pipResolveArgs(spec, index)...)...); err != nil {
			return nil, err
		}
		report, err := os.ReadFile(filepath.Join(dir, pipReportName))
		if err != nil {
			return nil, fmt.Errorf("pip resolved %s but wrote no report", spec)
		}
		defer os.Remove(filepath.Join(dir, pipReportName))
		return lockFromReport(report, p, index)
	}
	if err := os.WriteFile(filepath.Join(dir, "requirements.in"), []byte(spec+"\n"), 0o644); err != nil {
		return nil, err
	}
	defer os.Remove(filepath.Join(dir, "requirements.in"))
	if err := run("resolve", t.uv, "pip", "compile", "--generate-hashes", "--no-header", "--quiet", "--only-binary", ":all:",
		"--index-url", index, "--output-file", "uv.lock.txt", "requirements.in"); err != nil {
		return nil, err
	}
	defer os.Remove(filepath.Join(dir, "uv.lock.txt"))
	compiled, err := os.ReadFile(filepath.Join(dir, "uv.lock.txt"))
	if err != nil {
		return nil, fmt.Errorf("uv resolved %s but wrote no lock", spec)
	}
	return append([]byte("--index-url "+index+"\n"), compiled...), nil
}

// install is the command lines, run in the build folder, that make the environment venv and
// install exactly the lock into it.
func (t pythonTool) install(venv, lock string) [][]string {
	python := filepath.Join(venv, venvBin(), "python")
	if t.python != "" {
		return [][]string{
			{t.python, "-m", "venv", "--without-pip", venv},
			append([]string{t.python, "-m", "pip", "--python", python}, pipInstallArgs(lock)...),
		}
	}
	return [][]string{
		{t.uv, "venv", "--quiet", venv},
		{t.uv, "pip", "install", "--quiet", "--python", python, "--require-hashes", "--no-deps", "--only-binary", ":all:",
			"--compile-bytecode", "-r", lock},
	}
}

const pipReportName = "pip-report.json"

// pipResolveArgs makes pip resolve spec and every dependency without installing anything,
// writing what it would install (each file's address and sha256) to its report. Wheels
// only: a source package would run its build code to be resolved.
func pipResolveArgs(spec, index string) []string {
	return []string{"-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--disable-pip-version-check",
		"--no-input", "--only-binary=:all:", "--report", pipReportName, "--index-url", index, "--", spec}
}

// pipInstallArgs installs exactly the lock: every file checked against its hash, nothing
// else resolved, bytecode compiled (pip's default, said so).
func pipInstallArgs(lock string) []string {
	return []string{"install", "--quiet", "--disable-pip-version-check", "--no-input", "--require-hashes", "--no-deps",
		"--only-binary=:all:", "--compile", "--no-warn-script-location", "-r", lock}
}

// venvScript is the path of the package's program inside the build folder.
func venvScript(p Package) string {
	name := p.Bin
	if name == "" {
		name = p.Name
	}
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join("venv", venvBin(), name)
}

func venvBin() string {
	if runtime.GOOS == "windows" {
		return "Scripts"
	}
	return "bin"
}
