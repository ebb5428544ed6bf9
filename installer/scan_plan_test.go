package installer

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/config"
)

func TestPlanScanTargetNamesSecretsOnly(t *testing.T) {
	p := catalog.InstallPlan{Name: "gh", Command: "npx", Args: []string{"-y", "pkg@1.0.0"}, Env: map[string]string{"LEVEL": "info"},
		Secrets: []catalog.Secret{{Env: "GITHUB_TOKEN"}, {Env: ""}, {Env: "OTHER"}}}
	got := PlanScanTarget(config.Home("/h"), "github", p)
	want := ScanTarget{Name: "github", Command: "npx", Args: []string{"-y", "pkg@1.0.0"}, Env: map[string]string{"LEVEL": "info"},
		Secrets: []string{"GITHUB_TOKEN", "OTHER"}, Home: "/h"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("PlanScanTarget (-want +got)\n%s", d)
	}
}
