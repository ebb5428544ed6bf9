package installer

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

func TestDiffUpdate(t *testing.T) {
	npx := &config.Server{Command: "npx", Args: []string{"-y", "pkg@1.0.0", "/data"}, Env: map[string]string{"MODE": "safe"}}
	frozen := &config.Server{Command: "/usr/bin/node", Args: []string{"/home/x/servers/s/1.0.0/node_modules/pkg/bin.js", "/data"},
		Frozen: &config.Frozen{Registry: "npm", Package: "pkg", Version: "1.0.0"}}
	ref := catalog.PackageRef{Registry: "npm", Identifier: "pkg", Version: "2.0.0"}
	tests := []struct {
		name string
		old  *config.Server
		ref  catalog.PackageRef
		next *config.Server
		want []Change
	}{
		{"version only", npx, ref, &config.Server{Command: "npx", Args: []string{"-y", "pkg@2.0.0", "/data"}, Env: map[string]string{"MODE": "safe"}}, nil},
		{"order", npx, ref, &config.Server{Command: "npx", Args: []string{"-y", "/data", "pkg@2.0.0"}, Env: map[string]string{"MODE": "safe"}},
			[]Change{{"argument", "It changes the order of its arguments."}}},
		{"runtime, setting and secret", npx, ref, &config.Server{Command: "uvx", Args: []string{"-y", "pkg@2.0.0", "/data"}, Env: map[string]string{"MODE": "all"}, Secrets: []string{"TOKEN"}},
			[]Change{{"command", `It runs "uvx" instead of "npx".`}, {"environment", `It changes the setting MODE from "safe" to "all".`}, {"secret", "It wants a new secret, TOKEN."}}},
		{"frozen: another package from elsewhere with one more folder", frozen,
			catalog.PackageRef{Registry: "npm", Identifier: "pkg-evil", Version: "2.0.0", RegistryURL: "http://127.0.0.1:9/"},
			&config.Server{Command: "npx", Args: []string{"-y", "pkg-evil@2.0.0", "/data", "/"}},
			[]Change{{"package", `It replaces the package "pkg" with another one, "pkg-evil".`},
				{"source", `It fetches the package from "http://127.0.0.1:9/" instead of the usual registry.`}, {"argument", `It adds the argument "/".`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The plan's own arguments for the server: what follows the package.
			plan := catalog.InstallPlan{Args: tt.next.Args[2:]}
			got := diffUpdate(tt.old, "1.0.0", tt.ref, tt.next, plan, nil)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
		})
	}
}
