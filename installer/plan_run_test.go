package installer

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/catalog"
)

func TestRunOfSaysWhatRunsOnceInstalled(t *testing.T) {
	for _, tc := range []struct {
		what, registry, id, extra string
		want                      PlanRun
	}{
		{"npm", "npm", "@acme/srv", "", PlanRun{
			Note: "It will install @acme/srv@1.2.3 from npm into MCP Tray's own folder, checked, so nothing is downloaded when it starts.",
			Run:  []string{"node", "<@acme/srv>"}}},
		{"pypi", "pypi", "mcp-server-time", `,"packageArguments":[{"type":"named","name":"--local-timezone","value":"UTC"}]`, PlanRun{
			Note: "It will install mcp-server-time==1.2.3 from pypi.org into MCP Tray's own folder, from a lock with every file's checksum, so nothing is downloaded when it starts.",
			Run:  []string{"python", "<mcp-server-time>", "--local-timezone", "UTC"}}},
		{"oci", "oci", "ghcr.io/acme/srv", `,"packageArguments":[{"type":"positional","value":"stdio"}]`, PlanRun{
			Note: "It will pin the image ghcr.io/acme/srv:1.2.3 to the digest its tag names now, so a tag pushed again later changes nothing.",
			Run:  []string{"docker", "run", "-i", "--rm", "ghcr.io/acme/srv@<digest>", "stdio"}}},
	} {
		e := pkgEntry(t, tc.registry, tc.id, "1.2.3", tc.extra)
		plan, err := catalog.Plan(e, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.what, err)
		}
		if d := cmp.Diff(tc.want, RunOf(e, plan)); d != "" {
			t.Errorf("%s: RunOf (-want +got)\n%s", tc.what, d)
		}
	}
	// A plan FreezePlan does not take runs as it says.
	e := pkgEntry(t, "npm", "@acme/srv", "1.2.3", "")
	plan, err := catalog.Plan(e, nil)
	if err != nil {
		t.Fatal(err)
	}
	plan.Args = append([]string{"--node-options=--require=/x.js"}, plan.Args...)
	want := PlanRun{Run: append([]string{plan.Command}, plan.Args...)}
	if d := cmp.Diff(want, RunOf(e, plan)); d != "" {
		t.Errorf("unfrozen plan: RunOf (-want +got)\n%s", d)
	}
}
