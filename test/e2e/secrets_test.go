package e2e

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
)

// needKeyring fails unless the test runs against the private Secret Service that `make test`
// starts (keychain/run-with-secret-service.sh): these tests write real keychain items.
func needKeyring(t *testing.T) {
	t.Helper()
	if os.Getenv("MCPTRAY_TEST_ISOLATED_KEYRING") != "1" {
		t.Fatal("this test needs the private Secret Service that `make test` starts (keychain/run-with-secret-service.sh go test ./test/e2e)")
	}
}

// setSecret runs `mcptray secret set` with the value on standard input, as a script would;
// from then on the test fails if any output or any file under HOME holds the value.
func setSecret(t *testing.T, u *testbin.User, server, key, value string) string {
	t.Helper()
	return u.SetSecret(server, key, value)
}

func TestSecretReachesTheServerAndNoFile(t *testing.T) {
	needKeyring(t)
	needNode(t)
	u := testbin.NewUser(t)
	const value = "s3cr3t-token-for-e2e-ü-" + "9f2c1d"
	u.OK("server", "add", "everything", "--secret", "API_TOKEN", "--", "node", everythingJS, "stdio")
	setSecret(t, u, "everything", "API_TOKEN", value)
	u.Daemon()
	u.WaitRunning("everything")
	res := tsClient(t, u.Env, []string{"call", "get-env", "{}"}, u.Bin, "connect", "everything")
	if !strings.Contains(string(res["result"]), value) {
		t.Fatalf("the server's environment through mcptray connect lacks the secret: %.400s", res["result"])
	}
	testbin.AssertNoSecrets(t, []string{value}, u.Dir, u.Home)
	out := u.OK("secret", "list", "everything")
	if !strings.Contains(out, "API_TOKEN") || !strings.Contains(out, "set") {
		t.Errorf("secret list says %q", out)
	}
	testbin.AssertNoSecretsIn(t, []string{value}, "the output of mcptray secret list", out)
}

func TestSecretsAreRedactedFromLogs(t *testing.T) {
	needKeyring(t)
	u := testbin.NewUser(t)
	const value = "ghp_redactMe1234567890abcdef"
	u.OK("server", "add", "leaky", "--secret", "GITHUB_TOKEN", "--", fake, "-print-env", "GITHUB_TOKEN")
	setSecret(t, u, "leaky", "GITHUB_TOKEN", value)
	u.Daemon()
	u.WaitRunning("leaky")
	u.Eventually("the env line is logged", func() bool { return strings.Contains(u.OK("logs", "leaky"), "GITHUB_TOKEN=") })
	logs := u.OK("logs", "leaky")
	if !strings.Contains(logs, "GITHUB_TOKEN=[redacted:GITHUB_TOKEN]") {
		t.Fatalf("logs are not redacted:\n%s", logs)
	}
	testbin.AssertNoSecretsIn(t, []string{value}, "the output of mcptray logs", logs)
	testbin.AssertNoSecrets(t, []string{value}, u.Dir, u.Home)
}

func TestMissingSecretKeepsServerDownUntilSet(t *testing.T) {
	needKeyring(t)
	u := testbin.NewUser(t)
	u.OK("server", "add", "needy", "--secret", "NEEDY_API_KEY", "--", fake, "-print-env", "NEEDY_API_KEY")
	u.Daemon()
	u.WaitServer("needy", "needy fails", func(s testbin.ServerEvent) bool { return s.State == "failed" })
	status := u.OK("server", "status", "needy")
	if !strings.Contains(status, "NEEDY_API_KEY") || !strings.Contains(status, "mcptray secret set needy") {
		t.Errorf("status does not say which secret is missing and how to set it:\n%s", status)
	}
	out := setSecret(t, u, "needy", "NEEDY_API_KEY", "now-it-is-set-123")
	if !strings.Contains(out, "restarting needy") {
		t.Errorf("secret set did not say the server restarts: %q", out)
	}
	u.WaitRunning("needy")
	u.Eventually("the new value reached the server", func() bool {
		return strings.Contains(u.OK("logs", "needy"), "NEEDY_API_KEY=[redacted:NEEDY_API_KEY]")
	})
}

func TestRemovingAServerDeletesItsSecrets(t *testing.T) {
	needKeyring(t)
	u := testbin.NewUser(t)
	u.OK("server", "add", "gone", "--secret", "TOKEN_A", "--secret", "TOKEN_B", "--", fake)
	setSecret(t, u, "gone", "TOKEN_A", "value-a-123456")
	setSecret(t, u, "gone", "TOKEN_B", "value-b-123456")
	if out := u.OK("server", "remove", "gone"); !strings.Contains(out, "Deleted its secrets") {
		t.Errorf("remove says %q", out)
	}
	store := keychain.System(keychain.Options{})
	for _, k := range []string{"TOKEN_A", "TOKEN_B"} {
		if _, err := store.Get(context.Background(), "gone", k); !errors.Is(err, keychain.ErrNotFound) {
			t.Errorf("%s still in the keychain after remove: %v", k, err)
		}
	}
}

func TestSecretValueIsNeverAnArgument(t *testing.T) {
	u := testbin.NewUser(t)
	u.OK("server", "add", "a", "--", fake)
	_, errs, code := u.Run("secret", "set", "a", "KEY", "value-on-the-command-line")
	if code != 2 || !strings.Contains(errs, "needs a server name and a secret name") {
		t.Fatalf("a value on the command line: exit %d, %q", code, errs)
	}
}
