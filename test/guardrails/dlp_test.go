package guardrails

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// An argument carrying another server's keychain secret (from a real Secret Service): asked
// by default, the prompt naming the secret but not showing it; refused where the server's
// data-loss action is block. The value is in no output, log or audit line (SetSecret checks
// every output and, at the end, every file of the home).
func TestAnotherServersSecret(t *testing.T) {
	const value = "vault-token-5f1e9c2a7b"
	u := testbin.NewUser(t)
	u.OK("server", "add", "vault", "--secret", "VAULT_TOKEN", "--", fake)
	u.SetSecret("vault", "VAULT_TOKEN", value)
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake")
	u.OK("server", "add", "strict", "--", fake)
	u.OK("policy", "trust", "strict")
	setDLP(t, u, "strict", map[string]any{"action": "block"})
	u.Daemon()
	u.WaitRunning("vault")
	u.WaitRunning("fake")
	u.WaitRunning("strict")
	// The vault's secret is known from the start, whether the vault ran or not (secrets_known.go).
	args, _ := json.Marshal(map[string]string{"text": "here: " + value})

	strict := connect(t, u, "strict")
	strict.call(t, 1, "echo", string(args))
	msg := toolError(strict.answer(t, 1))
	if !strings.Contains(msg, `the secret VAULT_TOKEN of "vault"`) || !strings.Contains(msg, "block") {
		t.Fatalf("the call on a server that blocks: %q", msg)
	}
	testbin.AssertNoSecretsIn(t, []string{value}, "the client's answer", msg)

	b := connect(t, u, "fake")
	b.call(t, 1, "echo", string(args))
	var out string
	u.Eventually("the call waits for the person", func() bool {
		out = u.OK("approvals", "--json")
		return strings.Contains(out, `"echo"`)
	})
	if !strings.Contains(out, `the secret VAULT_TOKEN of \"vault\"`) {
		t.Fatalf("the approval does not say what was found: %s", out)
	}
	var res struct{ Approvals []struct{ ID string } }
	json.Unmarshal([]byte(out), &res)
	u.OK("deny", res.Approvals[0].ID)
	if msg := toolError(b.answer(t, 1)); msg == "" {
		t.Fatal("the denied call got no tool error")
	}
	u.Eventually("the audit log has both calls", func() bool { return strings.Count(audit(u), "VAULT_TOKEN") >= 2 })
	for _, name := range []string{"fake", "strict", "vault"} {
		out, _, _ := u.Run("logs", name, "--tail", "500")
		testbin.AssertNoSecretsIn(t, []string{value}, "the log of "+name, out)
	}
}

// setDLP sets a server's data-loss checks in config.json, as a person editing it would.
func setDLP(t *testing.T, u *testbin.User, server string, dlp map[string]any) {
	t.Helper()
	path := filepath.Join(u.Home, "config.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	json.Unmarshal(b, &cfg)
	cfg["servers"].(map[string]any)[server].(map[string]any)["dlp"] = dlp
	b, _ = json.MarshalIndent(cfg, "", "  ")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A server whose results are redacted: its own secret (read back from its environment) and a
// private key it returns reach the AI app as markers, in session and shared mode.
func TestResultsRedacted(t *testing.T) {
	const value = "leaky-token-93c1d0e8f2"
	key := "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----"
	u := testbin.NewUser(t)
	for _, name := range []string{"leaky", "shared"} {
		add := []string{"server", "add", name, "--secret", "LEAKY_TOKEN", "--env", "SSH_KEY=" + key}
		if name == "shared" {
			add = append(add, "--mode", "shared")
		}
		u.OK(append(add, "--", fake)...)
		u.SetSecret(name, "LEAKY_TOKEN", value)
		u.OK("policy", "trust", name)
		setDLP(t, u, name, map[string]any{"redactResults": true})
	}
	u.Daemon()
	for _, name := range []string{"leaky", "shared"} {
		u.WaitRunning(name)
		b := connect(t, u, name)
		b.call(t, 1, "get_env", `{"name":"LEAKY_TOKEN"}`)
		got := fmt.Sprint(b.answer(t, 1)["result"])
		if !strings.Contains(got, "[redacted:") {
			t.Errorf("%s: the secret read back came as %s", name, got)
		}
		testbin.AssertNoSecretsIn(t, []string{value}, "the answer of "+name, got)
		b.call(t, 2, "get_env", `{"name":"SSH_KEY"}`)
		got = fmt.Sprint(b.answer(t, 2)["result"])
		if strings.Contains(got, "b3BlbnNzaC1rZXkt") || !strings.Contains(got, "[redacted: a private key]") {
			t.Errorf("%s: the key read back came as %s", name, got)
		}
	}
}

// The data-loss checks know the keychain secrets of every installed server, also one that is
// turned off and never started, and the secret set while MCP Tray runs.
func TestSecretOfAServerNeverStarted(t *testing.T) {
	const value, changed = "idle-token-3b8e61f0c4", "idle-token-set-later-77d2"
	u := testbin.NewUser(t)
	u.OK("server", "add", "idle", "--secret", "IDLE_TOKEN", "--", fake)
	u.SetSecret("idle", "IDLE_TOKEN", value)
	u.OK("server", "disable", "idle")
	u.OK("server", "add", "fake", "--", fake)
	u.OK("policy", "trust", "fake")
	setDLP(t, u, "fake", map[string]any{"action": "block"})
	u.Daemon()
	u.WaitRunning("fake")
	b := connect(t, u, "fake")
	id := 0
	for _, v := range []string{value, changed} {
		if v == changed {
			u.SetSecret("idle", "IDLE_TOKEN", changed) // tells the daemon, which is running
		}
		args, _ := json.Marshal(map[string]string{"text": "here: " + v})
		// The daemon reads the keychain beside its start (and after a change), not before it
		// answers: a call may come first.
		u.Eventually("the call carrying the secret of the server never started is blocked", func() bool {
			id++
			b.call(t, id, "echo", string(args))
			msg := toolError(b.answer(t, id))
			return strings.Contains(msg, `the secret IDLE_TOKEN of "idle"`)
		})
	}
	if _, servers := u.List(); servers["idle"] == nil || servers["idle"].Pid != 0 {
		t.Fatalf("the server that is turned off was started: %+v", servers["idle"])
	}
}
