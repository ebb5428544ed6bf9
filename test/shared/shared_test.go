package shared

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/testbin"
)

const everything = "server-everything"

func TestTenThousandInterleavedCallsOnOneProcess(t *testing.T) {
	u, d := everythingUser(t, "shared")
	res := threeClients(t, u, "everything", "load", "10000", "8")
	// Every answer reached its caller (the script checks each echo's text, that each
	// operation got exactly its own two progress notifications, and counts every message the
	// SDK could not match to a request of its own).
	var progress []int
	res.get("progress", &progress)
	if len(progress) != 3 || progress[0]+progress[1]+progress[2] != 2*1000 {
		t.Errorf("progress notifications per client %v; want 2000 in all (2 for each of the 1000 operations)", progress)
	}
	if pids := serverProcesses(d.Process.Pid, everything); len(pids) != 1 {
		t.Errorf("%d server processes for three clients in shared mode (pids %v); want 1", len(pids), pids)
	}
	if !strings.Contains(u.OK("server", "list"), "shared") {
		t.Errorf("server list does not show the shared mode:\n%s", u.OK("server", "list"))
	}
}

func TestCancellingOneClientsCallLeavesTheOthersAlone(t *testing.T) {
	u, _ := everythingUser(t, "shared")
	res := threeClients(t, u, "everything", "cancel")
	var cancelled string
	res.get("cancelled", &cancelled)
	if !strings.Contains(cancelled, "changed my mind") {
		t.Errorf("client-0's cancelled call ended with %q", cancelled)
	}
	var progress []int
	var texts []string
	res.get("othersProgress", &progress)
	res.get("othersText", &texts)
	want := "Long running operation completed. Duration: 1 seconds, Steps: 4."
	if diff := cmp.Diff([]int{4, 4}, progress); diff != "" {
		t.Errorf("the other clients' progress (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{want, want}, texts); diff != "" {
		t.Errorf("the other clients' results (-want +got):\n%s", diff)
	}
}

func TestSamplingReachesTheCallingClient(t *testing.T) {
	u, _ := everythingUser(t, "shared")
	res := threeClients(t, u, "everything", "sampling")
	var results []string
	var sampled []int
	res.get("results", &results)
	res.get("sampled", &sampled)
	if len(results) != 2 || !strings.Contains(results[0], "sampled by client-1") || !strings.Contains(results[1], "sampled by client-2") {
		t.Errorf("sampling results %q; want client-1's answer, then client-2's", results)
	}
	if diff := cmp.Diff([]int{0, 1, 1}, sampled); diff != "" {
		t.Errorf("sampling requests served per client (-want +got):\n%s", diff)
	}
	// With two apps' calls running, a sampling request cannot be attributed: nobody gets it.
	var busy string
	res.get("busy", &busy)
	if !strings.HasPrefix(busy, "error") || !strings.Contains(busy, "more than one AI app") {
		t.Errorf("client-1's sampling call while client-0's call ran ended with %q; want a refusal saying why", busy)
	}
}

func TestCrashUnderLoadKeepsClientsConnected(t *testing.T) {
	u, d := everythingUser(t, "shared")
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := sharedScript(u, "everything", "crash", ready)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	var out []byte
	done := make(chan error, 1)
	go func() {
		var err error
		out, err = cmd.Output()
		done <- err
	}()
	waitFile(t, ready, 60*time.Second)
	pids := serverProcesses(d.Process.Pid, everything)
	if len(pids) != 1 {
		t.Fatalf("%d server processes before the crash; want 1", len(pids))
	}
	syscall.Kill(pids[0], syscall.SIGKILL)
	res := parseResult(t, []string{"crash"}, out, <-done, stderr.String())
	var stats []struct {
		OKBefore, Failed, OKAfter int
		Failures                  []string
	}
	res.get("stats", &stats)
	for i, s := range stats {
		if s.OKBefore == 0 || s.Failed == 0 || s.OKAfter < 20 {
			t.Errorf("client-%d: %d calls before the crash, %d failed, %d after; want some, at least one, 20 (failures: %q)",
				i, s.OKBefore, s.Failed, s.OKAfter, s.Failures)
		}
		for _, f := range s.Failures {
			if !strings.Contains(f, "stopped") && !strings.Contains(f, "starting") {
				t.Errorf("client-%d got a failure that does not say the server stopped: %q", i, f)
			}
		}
	}
	after := serverProcesses(d.Process.Pid, everything)
	if len(after) != 1 || after[0] == pids[0] {
		t.Errorf("server processes after the crash: %v (before: %v); want one new one", after, pids)
	}
}

func TestDisconnectMidCallDropsTheLateAnswerAndLeaksNothing(t *testing.T) {
	u, d := everythingUser(t, "shared")
	measure := func() (goroutines, fds int) {
		entries, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", d.Process.Pid))
		return ping(t, u).Goroutines, len(entries)
	}
	threeClients(t, u, "everything", "load", "30", "1") // warm up: every client path once
	g0, fd0 := measure()
	res := threeClients(t, u, "everything", "disconnect")
	var calls, progress int
	res.get("calls", &calls)
	res.get("progressAfter", &progress)
	if calls == 0 || progress == 0 {
		t.Errorf("after client-0 left mid-call the others made %d calls and got %d progress notifications", calls, progress)
	}
	u.Eventually("no goroutine or file is left behind", func() bool {
		g, fd := measure()
		if g > g0+2 || fd > fd0 {
			t.Logf("goroutines %d (was %d), fds %d (was %d)", g, g0, fd, fd0)
			return false
		}
		return true
	})
	if pids := serverProcesses(d.Process.Pid, everything); len(pids) != 1 {
		t.Errorf("server processes after the disconnect: %v; want the one shared process", pids)
	}
}

// A client asks for approval in shared mode exactly as in session mode, and "allow for this
// session" holds for its own connection only.
func TestApprovalsArePerClientConnection(t *testing.T) {
	u := testbin.NewUser(t)
	u.OK("server", "add", "fake", "--mode", "shared", "--", fake)
	u.Daemon()
	u.WaitRunning("fake")
	dir := t.TempDir()
	note := func(b *rawBridge, id int, name string) {
		b.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"write_note","arguments":{"path":%q,"text":"x"}}}`, id, filepath.Join(dir, name)))
	}
	a, b := listed(t, u), listed(t, u)
	note(a, 2, "a1")
	ap := waitApprovals(t, u, 1)
	if _, err := os.Stat(filepath.Join(dir, "a1")); err == nil {
		t.Fatal("the call ran before it was approved")
	}
	u.OK("approve", ap[0].ID, "--session")
	if m := a.answer(t, 2); m["result"] == nil {
		t.Fatalf("approved call: %v", m)
	}
	note(a, 3, "a2") // the same connection: allowed for the session
	if m := a.answer(t, 3); m["result"] == nil {
		t.Fatalf("second call on the approved connection: %v", m)
	}
	note(b, 2, "b1") // another client of the same process asks again
	ap = waitApprovals(t, u, 1)
	u.OK("deny", ap[0].ID)
	if m := b.answer(t, 2); !strings.Contains(fmt.Sprint(m["result"]), "isError:true") {
		t.Fatalf("denied call: %v", m)
	}
	for name, want := range map[string]bool{"a1": true, "a2": true, "b1": false} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s written: %v, want %v", name, err == nil, want)
		}
	}
}

func listed(t *testing.T, u *testbin.User) *rawBridge {
	b := startRaw(t, u, "fake")
	b.send(t, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	if m := b.answer(t, 0); m["result"] == nil {
		t.Fatalf("initialize: %v", m)
	}
	b.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	b.send(t, `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`)
	b.answer(t, 1)
	return b
}

type approval struct {
	ID   string `json:"id"`
	Tool string `json:"tool"`
}

func waitApprovals(t *testing.T, u *testbin.User, n int) []approval {
	t.Helper()
	var ap []approval
	u.Eventually(fmt.Sprintf("%d pending approval(s)", n), func() bool {
		var res struct{ Approvals []approval }
		json.Unmarshal([]byte(u.OK("approvals", "--json")), &res)
		ap = res.Approvals
		return len(ap) == n
	})
	return ap
}

func TestStoppingAndSwitchingModeEndsTheSharedProcess(t *testing.T) {
	u, d := everythingUser(t, "shared")
	threeClients(t, u, "everything", "load", "30", "1")
	u.Eventually("one shared process", func() bool { return len(serverProcesses(d.Process.Pid, everything)) == 1 })
	u.OK("server", "stop", "everything")
	u.Eventually("stopping ends the shared process", func() bool { return len(serverProcesses(d.Process.Pid, everything)) == 0 })
	u.OK("server", "start", "everything")
	u.Eventually("starting brings it back", func() bool { return len(serverProcesses(d.Process.Pid, everything)) == 1 })
	// Back to session mode: no shared process; each client gets its own.
	if err := config.Home(u.Home).Update(func(c *config.Config) error {
		c.Servers["everything"].Mode = config.ModeSession
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	u.Eventually("session mode keeps one warm spare, not the shared process", func() bool {
		st := u.State("everything")
		return st.Pid != 0 && len(serverProcesses(d.Process.Pid, everything)) == 1
	})
}

// ping asks u's running daemon who it is.
func ping(t testing.TB, u *testbin.User) api.PingResult {
	t.Helper()
	c := &control.Client{Path: config.Home(u.Home).SocketPath()}
	res, err := api.Call(context.Background(), c, api.Ping, api.None{})
	if err != nil {
		t.Fatalf("ping: %v", err)
	}
	return res
}
