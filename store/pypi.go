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

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/atomicfile"
)

// buildPypi installs a PyPI package with uv into a virtual environment of its own: a lock
// with every dependency's hash (uv pip compile --generate-hashes), then exactly that lock
// (uv pip sync --require-hashes), bytecode compiled at install so Python writes nothing into
// the tree when it runs. The environment is relocatable, so it works after the rename.
//
// Not exercised against a real index in MCP Tray's tests (see docs/install.md): only the
// command lines are.
func (s *Store) buildPypi(ctx context.Context, server string, p Package, progress func(string)) (config.Frozen, []string, error) {
	uv, err := lookAbs("uv")
	if err != nil {
		return config.Frozen{}, nil, errors.New("uv was not found on this computer; install it from https://docs.astral.sh/uv/ and try again")
	}
	final := s.Dir(server, p.Version)
	tmp, err := s.tempDir(server, p.Version)
	if err != nil {
		return config.Frozen{}, nil, err
	}
	built := false
	defer func() {
		if !built {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.WriteFile(filepath.Join(tmp, "requirements.in"), []byte(p.Name+"=="+p.Version+"\n"), 0o644); err != nil {
		return config.Frozen{}, nil, fmt.Errorf("preparing the folder for %s: %w", p.Name, err)
	}
	progress(fmt.Sprintf("Installing %s==%s and its dependencies with uv into MCP Tray's folder.", p.Name, p.Version))
	for _, argv := range uvCommands(p) {
		cmd := exec.CommandContext(ctx, uv, argv...)
		cmd.Dir, cmd.Env = tmp, s.environ()
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				return config.Frozen{}, nil, ctx.Err()
			}
			return config.Frozen{}, nil, fmt.Errorf("uv could not install %s==%s (%v): %s", p.Name, p.Version, err, lastLines(out.String(), 3))
		}
	}
	lock, err := os.ReadFile(filepath.Join(tmp, uvLockName))
	if err != nil {
		return config.Frozen{}, nil, fmt.Errorf("uv installed %s but wrote no lock", p.Name)
	}
	progress("Every package's hash was checked against the lock uv wrote (PyPI packages carry no registry signature MCP Tray checks).")
	script := venvScript(p)
	if _, err := os.Stat(filepath.Join(tmp, script)); err != nil {
		return config.Frozen{}, nil, fmt.Errorf("%s installed no program called %s", p.Name, filepath.Base(script))
	}
	m, err := manifest(tmp)
	if err != nil {
		return config.Frozen{}, nil, fmt.Errorf("recording the installed files of %s: %w", p.Name, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return config.Frozen{}, nil, fmt.Errorf("putting %s in place: %w", p.Name, err)
	}
	built = true
	if err := atomicfile.WriteFile(final+manifestSuffix, m, 0o600); err != nil {
		os.RemoveAll(final)
		return config.Frozen{}, nil, fmt.Errorf("recording the installed files of %s: %w", p.Name, err)
	}
	f := config.Frozen{Registry: "pypi", Package: p.Name, Version: p.Version, Dir: final,
		Lock: checksum(lock), Tree: checksum(m), Scripts: true}
	return f, []string{filepath.Join(final, script)}, nil
}

const uvLockName = "requirements.lock"

// uvCommands are the uv command lines, run in the build folder, that lock p with hashes,
// make the virtual environment and install exactly the lock into it.
func uvCommands(p Package) [][]string {
	var index []string
	if p.RegistryURL != "" {
		index = []string{"--index-url", p.RegistryURL}
	}
	compile := append([]string{"pip", "compile", "--generate-hashes", "--no-header", "--quiet", "--output-file", uvLockName}, index...)
	sync := append([]string{"pip", "sync", "--require-hashes", "--compile-bytecode", "--quiet", "--python", filepath.Join("venv", venvBin(), "python")}, index...)
	return [][]string{
		append(compile, "requirements.in"),
		{"venv", "--relocatable", "--quiet", "venv"},
		append(sync, uvLockName),
	}
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
