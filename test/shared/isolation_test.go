package shared

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/internal/testbin"
)

// Each app that shares one server process sees only its own: these run real TypeScript SDK
// clients with different capabilities (test/node/isolation.mjs) on one shared
// server-everything, through the real binary.

// isolation runs one scenario of test/node/isolation.mjs against server through
// `mcptray connect`, failing the test on any problem the script reports.
func isolation(t *testing.T, u *testbin.User, server, scenario string) result {
	t.Helper()
	cmd := exec.Command("node", filepath.Join(nodeDir, "isolation.mjs"), scenario, "--", u.Bin, "connect", server)
	cmd.Env = u.Env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	return parseResult(t, []string{scenario}, out, err, stderr.String())
}

func (r result) str(key string) string {
	var s string
	r.get(key, &s)
	return s
}

func TestAnAppWithoutSamplingCannotMakeAnotherAppsModelAnswer(t *testing.T) {
	u, _ := everythingUser(t, "shared")
	res := isolation(t, u, "everything", "sampling")
	// client-1 declared no sampling: its call that samples fails, whether or not client-0
	// (which can sample) has a call running at the same time.
	for _, k := range []string{"busy", "alone"} {
		if got := res.str(k); !strings.HasPrefix(got, "error") || strings.Contains(got, "sampled by") {
			t.Errorf("client-1's sampling call (%s) ended with %q; want an error, and no app's model answering", k, got)
		}
	}
	if got := res.str("own"); !strings.Contains(got, "sampled by client-0") {
		t.Errorf("client-0's own sampling call ended with %q; want its own model's answer", got)
	}
	var asked []int
	res.get("asked", &asked)
	if diff := cmp.Diff([]int{1, 0}, asked); diff != "" {
		t.Errorf("sampling requests per app (-want +got):\n%s", diff)
	}
}

func TestElicitationReachesOnlyTheAppThatCausedItAndCanAnswer(t *testing.T) {
	u, _ := everythingUser(t, "shared")
	res := isolation(t, u, "everything", "elicitation")
	for _, k := range []string{"busy", "alone"} {
		if got := res.str(k); !strings.HasPrefix(got, "error") || strings.Contains(got, "client-0") {
			t.Errorf("client-1's elicitation call (%s) ended with %q; want an error, and no other app's person asked", k, got)
		}
	}
	if got := res.str("own"); !strings.Contains(got, "Name: client-0") {
		t.Errorf("client-0's own elicitation call ended with %q; want its own answer", got)
	}
	// URL elicitation is offered (MCP Tray no longer declares form-only elicitation), and
	// reaches only an app that declared it.
	var urlTools []string
	res.get("urlTools", &urlTools)
	if diff := cmp.Diff([]string{"trigger-url-elicitation"}, urlTools); diff != "" {
		t.Errorf("client-2 (URL elicitation) did not see trigger-url-elicitation (-want +got):\n%s", diff)
	}
	if got := res.str("url"); !strings.Contains(got, "completed the URL elicitation") {
		t.Errorf("client-2's URL elicitation ended with %q", got)
	}
	if got := res.str("urlRefused"); !strings.HasPrefix(got, "error") {
		t.Errorf("client-0 (form elicitation only) got %q from a URL elicitation; want an error", got)
	}
	var asked []int
	res.get("asked", &asked)
	if diff := cmp.Diff([]int{1, 0, 1}, asked); diff != "" {
		t.Errorf("elicitation requests per app (-want +got):\n%s", diff)
	}
}

func TestRootsArePerApp(t *testing.T) {
	u, _ := everythingUser(t, "shared")
	res := isolation(t, u, "everything", "roots")
	var first, changed []string
	res.get("first", &first)
	res.get("changed", &changed)
	if len(first) != 3 || len(changed) != 2 {
		t.Fatalf("results %q, %q", first, changed)
	}
	check := func(what, got string, want string, not ...string) {
		t.Helper()
		if want != "" && !strings.Contains(got, want) {
			t.Errorf("%s: %q; want it to name %s", what, got, want)
		}
		for _, n := range not {
			if strings.Contains(got, n) {
				t.Errorf("%s: %q names another app's root %s", what, got, n)
			}
		}
	}
	check("client-0's roots", first[0], "file:///zero", "file:///one")
	check("client-1's roots", first[1], "file:///one", "file:///zero")
	check("client-2 (no roots)", first[2], "", "file:///zero", "file:///one")
	check("client-0's roots after it changed them", changed[0], "file:///zero-again", "file:///one")
	check("client-1's roots after client-0 changed its own", changed[1], "file:///one", "file:///zero")
}

func TestServersListChangeAfterInitializationReachesApps(t *testing.T) {
	u, _ := everythingUser(t, "shared")
	res := isolation(t, u, "everything", "listchanged")
	var n []int
	res.get("listChanged", &n)
	if len(n) != 2 || n[0] == 0 || n[1] == 0 {
		t.Errorf("tools/list_changed notifications per app: %v; want at least one each, as directly", n)
	}
}

// A lone app's progress token reaches the server as the app wrote it: a server that repeats
// it says what the app expects (a conformance check saw "15" where it expected "1").
func TestProgressTokenRewritingIsInvisible(t *testing.T) {
	needNode(t)
	u := testbin.NewUser(t)
	u.OK("server", "add", "progress", "--mode", "shared", "--", "node", filepath.Join(nodeDir, "progress-server.mjs"))
	u.OK("policy", "trust", "progress")
	u.Daemon()
	u.WaitRunning("progress")
	res := isolation(t, u, "progress", "progress")
	// The TypeScript SDK uses the request's id as its token: 1, after initialize's 0.
	if got := res.str("token"); got != "1" {
		t.Errorf("the server saw progress token %s; want the client's own 1", got)
	}
	// The TypeScript SDK handles an answer before a progress notification read with it in
	// one chunk, and then calls that progress late: either way it came, once.
	var progress, late int
	res.get("progress", &progress)
	res.get("late", &late)
	if progress+late != 1 {
		t.Errorf("the client got %d progress notifications (%d of them after the answer); want 1", progress+late, late)
	}
}

// initializeRaw sends an initialize asking for version and returns the answer.
func initializeRaw(t *testing.T, b *rawBridge, version string) map[string]any {
	t.Helper()
	b.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":%q,"capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`, version))
	return b.answer(t, 0)
}

func TestVersionsTheServerAcceptsAreNotRefused(t *testing.T) {
	u, _ := everythingUser(t, "shared")
	for asks, want := range map[string]string{
		"2024-10-07": "2024-10-07", // the TypeScript SDK's server accepts it
		"2025-06-18": "2025-06-18",
		"2030-01-01": "2025-11-25", // unknown: the server counters with its own, and so does MCP Tray
	} {
		m := initializeRaw(t, startRaw(t, u, "everything"), asks)
		res, _ := m["result"].(map[string]any)
		if res == nil || res["protocolVersion"] != want {
			t.Errorf("initialize asking for %s: %v; want a result with protocolVersion %s", asks, m, want)
		}
	}
}

// A client that writes its requests and closes its input at once still reads every answer.
func TestAClientThatClosesItsInputStillGetsItsAnswers(t *testing.T) {
	u, _ := everythingUser(t, "shared")
	for i := range 10 {
		b := startRaw(t, u, "everything")
		b.send(t, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`+"\n"+
			`{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n"+
			`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"message":"bye"}}}`)
		b.in.Close()
		got := map[string]string{}
		for _, l := range drain(t, b) {
			var m struct {
				ID     json.RawMessage `json:"id"`
				Result json.RawMessage `json:"result"`
				Error  json.RawMessage `json:"error"`
			}
			json.Unmarshal([]byte(l), &m)
			if m.ID != nil {
				got[string(m.ID)] = string(m.Result) + string(m.Error)
			}
		}
		if !strings.Contains(got["0"], "protocolVersion") || !strings.Contains(got["1"], "Echo: bye") {
			t.Fatalf("try %d: the answers were %v; want initialize's and the echo's", i, got)
		}
	}
}

// drain reads the bridge's output until it ends.
func drain(t *testing.T, b *rawBridge) []string {
	t.Helper()
	var lines []string
	deadline := time.After(60 * time.Second)
	for {
		select {
		case l, ok := <-b.lines:
			if !ok {
				return lines
			}
			lines = append(lines, l)
		case <-deadline:
			t.Fatalf("the bridge did not end within 60 s after its input closed; it wrote %q", lines)
		}
	}
}

// Session mode: the server answers request 5.0 as 5, which the client takes for the same
// request; MCP Tray must too, and not invent a second answer when the client leaves.
func TestSessionModeMatchesAnIDTheServerSpellsDifferently(t *testing.T) {
	u, _ := everythingUser(t, "session")
	b := startRaw(t, u, "everything")
	if m := initializeRaw(t, b, "2025-11-25"); m["result"] == nil {
		t.Fatalf("initialize: %v", m)
	}
	b.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	b.send(t, `{"jsonrpc":"2.0","id":5.0,"method":"tools/call","params":{"name":"echo","arguments":{"message":"five"}}}`)
	first := b.answer(t, 5)
	if !strings.Contains(fmt.Sprint(first["result"]), "Echo: five") {
		t.Fatalf("the call was answered %v", first)
	}
	b.in.Close()
	var again []string
	for _, l := range drain(t, b) {
		var m map[string]any
		json.Unmarshal([]byte(l), &m)
		if m["id"] == float64(5) && m["method"] == nil {
			again = append(again, l)
		}
	}
	if len(again) > 0 {
		t.Errorf("after the answer to 5.0, the client got more answers for the same call: %q", again)
	}
}

func TestTasksArePerApp(t *testing.T) {
	u, _ := everythingUser(t, "shared")
	res := isolation(t, u, "everything", "tasks")
	var othersList []string
	res.get("othersList", &othersList)
	if len(othersList) != 0 {
		t.Errorf("client-1's tasks/list showed %q; want none of client-0's tasks", othersList)
	}
	var ownList, ownStatus, othersStatus int
	res.get("ownList", &ownList)
	res.get("ownStatus", &ownStatus)
	res.get("othersStatus", &othersStatus)
	if ownList != 1 {
		t.Errorf("client-0's tasks/list showed its task %d times; want once", ownList)
	}
	for _, k := range []string{"othersGet", "othersResult"} {
		if got := res.str(k); !strings.HasPrefix(got, "error") {
			t.Errorf("client-1's %s of client-0's task: %q; want an error", k, got)
		}
	}
	if got := res.str("ownResult"); !strings.Contains(got, "Research Report: zero") {
		t.Errorf("client-0's task result: %q", got)
	}
	if ownStatus == 0 || othersStatus != 0 {
		t.Errorf("task status notifications: client-0 got %d for its task, client-1 got %d; want some, and none", ownStatus, othersStatus)
	}
}

// A tool that turned out to need sampling is no longer offered to an app that cannot sample
// (MCP Tray cannot know it before the tool is used: see gateway/shared_needs.go).
func TestToolListFollowsEachAppsCapabilitiesOnceLearned(t *testing.T) {
	u, _ := everythingUser(t, "shared")
	res := isolation(t, u, "everything", "toollist")
	var before, after []bool
	var told int
	res.get("before", &before)
	res.get("after", &after)
	res.get("told", &told)
	if diff := cmp.Diff([]bool{true, true}, before); diff != "" {
		t.Errorf("trigger-sampling-request offered to client-0, client-1 before it was used (-want +got):\n%s", diff)
	}
	if got := res.str("call"); !strings.HasPrefix(got, "error") {
		t.Errorf("client-1's sampling call: %q; want an error", got)
	}
	if told == 0 {
		t.Errorf("client-1 was not told its tool list changed")
	}
	if diff := cmp.Diff([]bool{true, false}, after); diff != "" {
		t.Errorf("trigger-sampling-request offered to client-0, client-1 after it was used (-want +got):\n%s", diff)
	}
	if got := res.str("own"); !strings.Contains(got, "sampled by client-0") {
		t.Errorf("client-0's sampling call: %q", got)
	}
}
