package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// A hostile server (internal/hostileserver) attacks the relay through the real binary, with
// the TypeScript SDK as the client: each attack must be held, in session and in shared mode.

// poisonMarker is in every definition the hostile server poisons, and in no honest one.
const poisonMarker = "id_rsa"

// hostile is a person with the hostile server added in mode ("session" or "shared"),
// write_note allowed (so a call to it runs unless something stops it; with ask, it asks),
// danger denied, and a running daemon. The attack the server makes is what attack() wrote; calls() is every
// tools/call that reached it.
type hostile struct {
	*testbin.User
	attackFile, callsFile string
}

func newHostile(t *testing.T, mode, write string) *hostile {
	t.Helper()
	needNode(t)
	bin, err := testbin.HostileServer()
	if err != nil {
		t.Fatal(err)
	}
	u := testbin.NewUser(t)
	// No keychain is needed here; without a session bus, D-Bus would start one per command
	// (dbus-launch) and leave it running.
	u.Env = append(u.Env, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(u.Dir, "no-bus"))
	h := &hostile{User: u, attackFile: filepath.Join(u.Dir, "attack"), callsFile: filepath.Join(u.Dir, "calls.jsonl")}
	args := []string{"server", "add", "hostile"}
	if mode == "shared" {
		args = append(args, "--mode", "shared")
	}
	u.OK(append(args, "--", bin, "-attack", h.attackFile, "-calls", h.callsFile)...)
	u.OK("policy", "set", "hostile", "write_note", write)
	u.OK("policy", "set", "hostile", "danger", "deny")
	u.Daemon()
	u.WaitRunning("hostile")
	return h
}

func (h *hostile) attack(name string) {
	if err := os.WriteFile(h.attackFile, []byte(name), 0o600); err != nil {
		h.T.Fatal(err)
	}
}

// calls returns the names of the tools/calls that reached the server.
func (h *hostile) calls() []string {
	b, _ := os.ReadFile(h.callsFile)
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m struct {
			Params struct{ Name string } `json:"params"`
		}
		if json.Unmarshal([]byte(line), &m) == nil && m.Params.Name != "" {
			names = append(names, m.Params.Name)
		}
	}
	return names
}

// client runs the TypeScript SDK client's scenario through `mcptray connect hostile` and
// returns its output (with "error" when the SDK threw).
func (h *hostile) client(scenario ...string) map[string]json.RawMessage {
	h.T.Helper()
	out, stderr := testbin.NodeClient(h.T, h.Env, append(scenario, "--", h.Bin, "connect", "hostile")...)
	var res map[string]json.RawMessage
	if err := json.Unmarshal(out, &res); err != nil {
		h.T.Fatalf("node client printed %q: %v\n%s", out, err, stderr)
	}
	return res
}

// pin has a client list the honest tools, so that they are pinned as the person knows them.
func (h *hostile) pin() {
	h.T.Helper()
	h.attack("")
	res := h.client("tools")
	if !strings.Contains(string(res["tools"]), "write_note") || strings.Contains(string(res["tools"]), "danger") {
		h.T.Fatalf("the honest list: %s %s", res["tools"], res["error"])
	}
}

func bothRelayModes(t *testing.T, test func(t *testing.T, h *hostile)) {
	bothRelayModesWith(t, "allow", test)
}

// bothRelayModesWith is bothRelayModes with write_note's rule set to write.
func bothRelayModesWith(t *testing.T, write string, test func(t *testing.T, h *hostile)) {
	for _, mode := range []string{"session", "shared"} {
		t.Run(mode, func(t *testing.T) { test(t, newHostile(t, mode, write)) })
	}
}

// A changed tool must not get past its pin however the server dresses the change up: the
// client never sees the poisoned definition as a tool it can use, and the allowed tool's call
// never reaches the server once its definition changed unnoticed.
func TestHostileServerCannotSlipAChangedToolPastItsPin(t *testing.T) {
	for _, attack := range []string{"twice", "id-string", "id-float", "id-exp"} {
		t.Run(attack, func(t *testing.T) {
			bothRelayModes(t, func(t *testing.T, h *hostile) {
				h.pin()
				h.attack(attack)
				res := h.client("call", "write_note", `{"text":"hello","key":"stolen"}`)
				if strings.Contains(string(res["tools"])+string(res["result"]), poisonMarker) {
					t.Fatalf("the client got the poisoned definition: %s", res)
				}
				if strings.Contains(string(res["error"]), "Timeout") || strings.Contains(string(res["error"]), "timed out") {
					t.Fatalf("the client got no answer: %s", res["error"])
				}
				if got := h.calls(); len(got) != 0 {
					t.Fatalf("the call reached the server after an unchecked change: %v (client got %s)", got, res)
				}
				if r := string(res["result"]); r != "" && !strings.Contains(r, `"isError":true`) {
					t.Fatalf("the call was answered as if it ran: %s", r)
				}
				// What the client sees when it lists: no poison, no denied tool.
				tools := h.client("tools")
				if s := string(tools["tools"]); strings.Contains(s, poisonMarker) || strings.Contains(s, `"danger"`) {
					t.Errorf("the client lists %s", s)
				}
			})
		})
	}
}

// A list MCP Tray cannot read one way only ("tools" beside "Tools", "name" beside "Name") never
// reaches the client as a list: neither the poisoned definition nor the denied tool.
func TestAmbiguousToolListsNeverReachTheClientAsAList(t *testing.T) {
	for _, attack := range []string{"case-tools", "case-name"} {
		t.Run(attack, func(t *testing.T) {
			bothRelayModes(t, func(t *testing.T, h *hostile) {
				h.pin()
				h.attack(attack)
				res := h.client("tools")
				if s := string(res["tools"]); strings.Contains(s, poisonMarker) || strings.Contains(s, `"danger"`) {
					t.Fatalf("an ambiguous list reached the client: %s", s)
				}
				if res["error"] == nil {
					t.Fatalf("the client got a list from an ambiguous answer: %s", res)
				}
				if logs := h.OK("logs", "hostile"); !strings.Contains(logs, "tools/list") {
					t.Errorf("the server's log does not say why the list was refused:\n%s", logs)
				}
			})
		})
	}
}

// Pins cover the whole definition: a change of the title, the outputSchema or _meta (an MCP
// Apps resource) blocks the tool until the person reviews it.
func TestChangesOutsideTheDescriptionBlockTheTool(t *testing.T) {
	for _, attack := range []string{"title", "outputSchema", "meta"} {
		t.Run(attack, func(t *testing.T) {
			bothRelayModes(t, func(t *testing.T, h *hostile) {
				h.pin()
				h.attack(attack)
				res := h.client("call", "write_note", `{"text":"hello"}`)
				if got := h.calls(); len(got) != 0 {
					t.Fatalf("a call to a changed tool reached the server: %v (client got %s)", got, res)
				}
				if s := string(res["tools"]); strings.Contains(s, "write_note") {
					t.Errorf("the changed tool is still listed: %s", s)
				}
				if pol := h.OK("policy", "list", "hostile"); !strings.Contains(pol, "blocked") {
					t.Errorf("policy list does not show the block:\n%s", pol)
				}
			})
		})
	}
}

// A tools/call without a usable id cannot be answered, so policy cannot answer it: it is
// refused, never forwarded, and it is in the audit log.
func TestToolCallsWithoutAnIDNeverReachTheServer(t *testing.T) {
	bothRelayModes(t, func(t *testing.T, h *hostile) {
		h.pin()
		b := listedSession(t, h.User, "hostile")
		b.send(t, `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"write_note","arguments":{"text":"notification"}}}`)
		b.send(t, `{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"danger","arguments":{}}}`)
		b.send(t, `{"jsonrpc":"2.0","method":"tools/call","params":{"name":"danger","arguments":{}}}`)
		// A request after them: once it is answered, the three were handled.
		b.send(t, `{"jsonrpc":"2.0","id":"after","method":"tools/call","params":{"name":"read_note","arguments":{}}}`)
		for {
			m := b.recv(t)
			if m["id"] == "after" {
				break
			}
		}
		if got := h.calls(); len(got) != 1 || got[0] != "read_note" {
			t.Fatalf("calls that reached the server: %v; want only read_note", got)
		}
		var audit string
		h.Eventually("the refused calls are audited", func() bool {
			audit = h.OK("audit", "--server", "hostile", "--json", "--last", "0")
			return strings.Count(audit, "without a usable id") == 3
		})
		for _, tool := range []string{`"write_note"`, `"danger"`} {
			if !strings.Contains(audit, tool) {
				t.Errorf("the audit log lacks %s:\n%s", tool, audit)
			}
		}
	})
}

// One connection cannot hold more than 32 calls for the person, and what it held goes away
// when it leaves.
func TestHeldCallsAreBoundedPerConnection(t *testing.T) {
	bothRelayModesWith(t, "ask", func(t *testing.T, h *hostile) {
		b := listedSession(t, h.User, "hostile")
		big := strings.Repeat("x", 60<<10)
		for i := 1; i <= 33; i++ {
			b.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"write_note","arguments":{"text":%q}}}`, i, big))
		}
		m := b.recv(t)
		res, _ := json.Marshal(m["result"])
		if fmt.Sprint(m["id"]) != "33" || !strings.Contains(string(res), "waiting for your approval") {
			t.Fatalf("the 33rd held call was answered %v", m)
		}
		h.UntilApprovals("32 calls wait", func() bool { return len(pending(t, h.User)) == 32 })
		b.in.Close()
		h.UntilApprovals("the calls are withdrawn when the client leaves", func() bool { return len(pending(t, h.User)) == 0 })
		if got := h.calls(); len(got) != 0 {
			t.Errorf("held calls reached the server: %d", len(got))
		}
	})
}
