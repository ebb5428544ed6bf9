package store

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

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
