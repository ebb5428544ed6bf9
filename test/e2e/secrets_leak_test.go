package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// TestSecretsLeakNowhere plays the ways a secret escaped the keychain, through the real binary:
// a server whose tool definition and messages carry its secret, a person's own credential in
// an AI client's file that MCP Tray backs up, and a server removed and added again under the
// same name. At the end no file under HOME or the MCP Tray home, and no output of mcptray,
// holds either secret; the new server did not get the deleted one; the backup restores the
// client's file byte for byte.
func TestSecretsLeakNowhere(t *testing.T) {
	needKeyring(t)
	needNode(t)
	u := testbin.NewUser(t)
	const secret = "sk-leaktest-Q7v9X2mK4pL8nR3tW6yZ"
	foreign := "ghp_" + randomAlnum(t, 36) // the person's own, in an entry MCP Tray does not manage
	var outputs []string
	run := func(args ...string) string {
		t.Helper()
		out, errs, code := u.Run(args...)
		outputs = append(outputs, "mcptray "+strings.Join(args, " ")+"\n"+out+errs)
		if code != 0 {
			t.Fatalf("mcptray %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
		}
		return out
	}
	t.Cleanup(func() {
		for _, out := range outputs {
			testbin.AssertNoSecretsIn(t, []string{secret, foreign}, "the output of "+strings.SplitN(out, "\n", 2)[0], out)
		}
		testbin.AssertNoSecrets(t, []string{secret}, u.Dir, u.Home)
		testbin.AssertNoSecrets(t, []string{foreign}, u.Home)
	})

	// A tool whose definition carries the secret (kept outside HOME: it is the server's).
	tools := filepath.Join(t.TempDir(), "tools.json")
	writeFile(t, tools, `[{"name": "lookup", "description": "Looks things up with the key `+secret+`.",
  "inputSchema": {"type": "object", "properties": {"q": {"type": "string", "default": "`+secret+`"}}},
  "annotations": {"readOnlyHint": true}},
 {"name": "peek_`+secret+`", "description": "A tool named with the key.", "inputSchema": {"type": "object"}}]`)
	run("server", "add", "leak", "--secret", "LEAK_TOKEN", "--env", "FAKESERVER_NOTIFY_METHOD_FROM=LEAK_TOKEN",
		"--", fake, "-print-env", "LEAK_TOKEN", "-tools", tools)
	outputs = append(outputs, setSecret(t, u, "leak", "LEAK_TOKEN", secret))

	// Backups of an AI client's file hold no credential of the person's own entries, and
	// restore puts the file back exactly.
	cursor := filepath.Join(u.Dir, ".cursor", "mcp.json")
	original := `{
  "mcpServers": {
    "theirs": {"command": "npx", "args": ["-y", "their-server"], "env": {"THEIR_TOKEN": "` + foreign + `", "LOG": "1"}},
    "remote": {"url": "https://example.com/mcp", "headers": {"Authorization": "Bearer ` + foreign + `"}}
  }
}
`
	writeFile(t, cursor, original)
	run("client", "enable", "cursor")
	if got := readFile(t, cursor); !strings.Contains(got, `"connect"`) || !strings.Contains(got, foreign) {
		t.Fatalf("client enable did not add MCP Tray's entry beside the person's own:\n%s", got)
	}
	testbin.AssertNoSecrets(t, []string{foreign}, filepath.Join(u.Home, "backups"))
	run("client", "restore", "cursor")
	if got := readFile(t, cursor); got != original {
		t.Fatalf("after client restore Cursor's file is:\n%s\nwant the original:\n%s", got, original)
	}

	// The server's messages: the tool list, and a notification whose method is the secret.
	u.Daemon()
	u.WaitRunning("leak")
	res := tsClient(t, u.Env, []string{"tools"}, u.Bin, "connect", "leak")
	if !strings.Contains(string(res["tools"]), "lookup") {
		t.Fatalf("the client did not get the server's tool: %s", res["tools"])
	}
	// A tool named with the secret (red team, 6 December 2026: its name reached pins.json,
	// the audit log, `policy list` and the prompt) is hidden from the AI app, and a call to it
	// by name is denied without asking; its name is kept nowhere (the Cleanup above checks
	// every file and output).
	if strings.Contains(string(res["tools"]), "peek_") {
		t.Errorf("the AI app was shown the tool named with the secret: %s", res["tools"])
	}
	called := tsClient(t, u.Env, []string{"call", "peek_" + secret}, u.Bin, "connect", "leak")
	if !strings.Contains(string(called["result"]), `"isError":true`) {
		t.Errorf("a call to the tool named with the secret: %s %s", called["result"], called["error"])
	}
	run("policy", "list", "leak")
	run("policy", "list", "leak", "--json")
	run("audit")
	run("audit", "--json")
	traffic := run("logs", "leak", "--traffic")
	if !strings.Contains(traffic, "notifications/message/") || !strings.Contains(traffic, "tools/list") {
		t.Fatalf("the traffic log lacks the server's notification or the tool list:\n%s", traffic)
	}
	u.Eventually("the server's env line is logged", func() bool {
		return strings.Contains(run("logs", "leak"), "LEAK_TOKEN=")
	})

	// Removed (its secret deleted from the keychain) and added again under the same name: the
	// new server must not get the old secret from MCP Tray's memory, so it waits for one.
	spare := u.WaitServer("leak", "the session is over and a spare runs", func(s testbin.ServerEvent) bool { return s.Sessions == 0 && s.Pid > 0 })
	run("server", "remove", "leak")
	testbin.WaitExit(t, "MCP Tray stopped leak", spare.Pid)
	run("server", "add", "leak", "--secret", "LEAK_TOKEN", "--", fake, "-print-env", "LEAK_TOKEN")
	u.WaitServer("leak", "the new leak waits for its secret", func(s testbin.ServerEvent) bool {
		if s.State == "running" {
			t.Fatal("the server added again runs: MCP Tray gave it the deleted secret")
		}
		return s.State == "failed"
	})
	if status := run("server", "status", "leak"); !strings.Contains(status, "LEAK_TOKEN") {
		t.Errorf("status does not say the secret is missing:\n%s", status)
	}
}

// A secret deleted while MCP Tray runs is not handed out from its memory: the server's next
// process finds it missing and waits for one, and no file or output holds the old value.
func TestDeletedSecretIsNotHandedOut(t *testing.T) {
	needKeyring(t)
	u := testbin.NewUser(t)
	const secret = "deleted-secret-Zx81Qp4mN7"
	u.OK("server", "add", "del", "--secret", "DEL_TOKEN", "--", fake, "-print-env", "DEL_TOKEN")
	setSecret(t, u, "del", "DEL_TOKEN", secret)
	u.Daemon()
	u.WaitRunning("del")
	out := u.OK("secret", "delete", "del", "DEL_TOKEN")
	testbin.AssertNoSecretsIn(t, []string{secret}, "the output of mcptray secret delete", out)
	u.WaitServer("del", "del waits for its secret", func(s testbin.ServerEvent) bool { return s.State == "failed" })
	events := u.Events()
	u.OK("server", "restart", "del")
	events.WaitServer("del", "del starts again", func(s testbin.ServerEvent) bool { return s.State == "starting" })
	events.WaitServer("del", "del still waits for its secret", func(s testbin.ServerEvent) bool {
		if s.State == "running" {
			t.Fatal("del runs after a restart: MCP Tray handed out the deleted secret")
		}
		return s.State == "failed"
	})
	testbin.AssertNoSecretsIn(t, []string{secret}, "the output of mcptray logs", u.OK("logs", "del"))
	testbin.AssertNoSecrets(t, []string{secret}, u.Dir, u.Home)
}
