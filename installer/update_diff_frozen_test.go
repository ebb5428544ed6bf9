package installer

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

// An image pinned to a digest is compared as the command line it was planned as: a new tag
// alone changes nothing that needs consent; a new docker flag or another image does.
func TestDiffUpdatePinnedImage(t *testing.T) {
	digest := "sha256:" + strings.Repeat("a", 64)
	old := &config.Server{Command: "docker", Args: []string{"run", "-i", "--rm", "-e", "LEVEL", "ghcr.io/acme/srv@" + digest, "stdio"},
		Frozen: &config.Frozen{Registry: "oci", Package: "ghcr.io/acme/srv", Version: "1.0", Lock: digest}}
	ref := catalog.PackageRef{Registry: "oci", Identifier: "ghcr.io/acme/srv", Version: "2.0"}
	for _, tc := range []struct {
		name string
		ref  catalog.PackageRef
		args []string
		want []Change
	}{
		{"new tag", ref, []string{"run", "-i", "--rm", "-e", "LEVEL", "ghcr.io/acme/srv:2.0", "stdio"}, nil},
		{"a volume", ref, []string{"run", "-i", "--rm", "-e", "LEVEL", "-v", "/srv:/srv", "ghcr.io/acme/srv:2.0", "stdio"},
			[]Change{{"argument", `It adds the argument "-v".`}, {"argument", `It adds the argument "/srv:/srv".`}}},
	} {
		next := &config.Server{Command: "docker", Args: tc.args}
		got := diffUpdate(old, "1.0", tc.ref, next, catalog.InstallPlan{Runtime: catalog.RuntimeDocker, Args: tc.args}, nil)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s: changes (-want +got):\n%s", tc.name, diff)
		}
	}
	next := &config.Server{Command: "docker", Args: []string{"run", "-i", "--rm", "-e", "LEVEL", "ghcr.io/evil/srv:2.0", "stdio"}}
	got := diffUpdate(old, "1.0", catalog.PackageRef{Registry: "oci", Identifier: "ghcr.io/evil/srv", Version: "2.0"}, next,
		catalog.InstallPlan{Runtime: catalog.RuntimeDocker, Args: next.Args}, nil)
	if len(got) == 0 || got[0].What != "package" {
		t.Errorf("another image: changes %+v; want the package named", got)
	}
}

// A Python server installed from another index than pypi.org says so at every update: the
// index it was installed from is not kept apart from its lock.
func TestDiffUpdateFrozenPyPIIndex(t *testing.T) {
	old := &config.Server{Command: "/h/servers/s/1.0/venv/bin/python", Args: []string{"/h/servers/s/1.0/venv/bin/s"},
		Frozen: &config.Frozen{Registry: "pypi", Package: "s", Version: "1.0"}, Allowed: []string{"arg:--index-url"}}
	ref := catalog.PackageRef{Registry: "pypi", Identifier: "s", Version: "2.0"}
	for _, tc := range []struct {
		extra string
		want  []Change
	}{
		{`,"runtimeArguments":[{"type":"named","name":"--index-url","value":"http://127.0.0.1:9/simple"}]`,
			[]Change{{"source", `It fetches the package from the Python package index "http://127.0.0.1:9/simple" instead of pypi.org.`}}},
		{"", nil},
	} {
		plan, err := catalog.Plan(pkgEntry(t, "pypi", "s", "2.0", tc.extra), nil)
		if err != nil {
			t.Fatal(err)
		}
		got := diffUpdate(old, "1.0", ref, &config.Server{Command: "uvx", Args: plan.Args}, plan, nil)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q: changes (-want +got):\n%s", tc.extra, diff)
		}
	}
}
