package store

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The uv and Docker paths cannot run here (no PyPI, no Docker engine); their command lines
// are what is tested.

func TestUVCommands(t *testing.T) {
	got := uvCommands(Package{Registry: "pypi", Name: "mcp-server-time", Version: "1.2.3"})
	want := [][]string{
		{"pip", "compile", "--generate-hashes", "--no-header", "--quiet", "--output-file", "requirements.lock", "requirements.in"},
		{"venv", "--relocatable", "--quiet", "venv"},
		{"pip", "sync", "--require-hashes", "--compile-bytecode", "--quiet", "--python", filepath.Join("venv", "bin", "python"), "requirements.lock"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("uv commands (-want +got):\n%s", diff)
	}
	got = uvCommands(Package{Name: "x", Version: "1", RegistryURL: "https://pypi.example/simple"})
	if diff := cmp.Diff([]string{"pip", "compile", "--generate-hashes", "--no-header", "--quiet", "--output-file", "requirements.lock",
		"--index-url", "https://pypi.example/simple", "requirements.in"}, got[0]); diff != "" {
		t.Errorf("uv compile with an index (-want +got):\n%s", diff)
	}
	if s := venvScript(Package{Name: "mcp-server-time"}); s != filepath.Join("venv", "bin", "mcp-server-time") {
		t.Errorf("venvScript = %q", s)
	}
}

func TestDockerDigest(t *testing.T) {
	if diff := cmp.Diff([]string{"pull", "--quiet", "ghcr.io/acme/srv:1.0"}, dockerPull("ghcr.io/acme/srv:1.0")); diff != "" {
		t.Error(diff)
	}
	const d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	ref, digest, err := digestRef("mcp/time", `["docker.io/mcp/time@`+d+`"]`)
	if err != nil || ref != "mcp/time@"+d || digest != d {
		t.Errorf("digestRef = %q %q %v", ref, digest, err)
	}
	if _, _, err := digestRef("mcp/time", `["docker.io/other/time@`+d+`"]`); err == nil {
		t.Error("a digest of another image was taken")
	}
	if _, _, err := digestRef("mcp/time", `[]`); err == nil {
		t.Error("no digest was not an error")
	}
}

func TestNpmInstallArgs(t *testing.T) {
	got := npmInstallArgs("@acme/x@1.0.0", Package{Name: "@acme/x", Version: "1.0.0"})
	want := []string{"install", "--no-audit", "--no-fund", "--save-exact", "--package-lock=true", "--omit=dev",
		"--no-update-notifier", "--loglevel=error", "--ignore-scripts", "--", "@acme/x@1.0.0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("npm install (-want +got):\n%s", diff)
	}
	got = npmInstallArgs("x@1.0.0", Package{Scripts: true, RegistryURL: "http://127.0.0.1:1/"})
	if diff := cmp.Diff([]string{"install", "--no-audit", "--no-fund", "--save-exact", "--package-lock=true", "--omit=dev",
		"--no-update-notifier", "--loglevel=error", "--registry=http://127.0.0.1:1/", "--", "x@1.0.0"}, got); diff != "" {
		t.Errorf("npm install with scripts (-want +got):\n%s", diff)
	}
}

func TestNpmReason(t *testing.T) {
	out := `npm error code ETARGET
npm error notarget No matching version found for x@0.0.1.
npm error notarget In most cases you or one of your dependencies are requesting
npm error A complete log of this run can be found in: /tmp/x.log`
	if got := npmReason(out); got != "No matching version found for x@0.0.1." {
		t.Errorf("npmReason = %q", got)
	}
}

func TestBuildRefusesOddNames(t *testing.T) {
	s := &Store{Root: t.TempDir()}
	for _, p := range []Package{
		{Registry: "npm", Name: "../../etc", Version: "1.0.0"},
		{Registry: "npm", Name: "x", Version: "../1.0.0"},
		{Registry: "npm", Name: "x", Version: ".hidden"},
		{Registry: "cargo", Name: "x", Version: "1.0.0"},
	} {
		if _, _, err := s.Build(t.Context(), "srv", p, nil); err == nil {
			t.Errorf("Build(%+v) succeeded", p)
		}
	}
	if _, _, err := s.Build(t.Context(), "../srv", Package{Registry: "npm", Name: "x", Version: "1.0.0"}, nil); err == nil {
		t.Error("a server name with a path was taken")
	}
}
