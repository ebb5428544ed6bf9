package e2e

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/keychain"
)

// TestImportMovesCredentialsOffTheCommandLine (issue 17), through the real binary: a Cursor
// entry whose command is ./run.sh beside Cursor's file and whose command line holds a bearer
// token in --header, a --password=, a redis://:password@ address and a SQL Password=, with a
// MY_CREDS variable. The import asks first and refuses without a terminal or --yes; with
// --yes every credential goes to the keychain, no file MCP Tray wrote holds one, and the
// daemon (started from another folder) starts ./run.sh with the credentials back in its argv.
func TestImportMovesCredentialsOffTheCommandLine(t *testing.T) {
	u := clientUser(t)
	const (
		bearer = "tok3n-0123456789abcdef"
		pw     = "hunter2-pw"
		redis  = "redis-pa55"
		sql    = "Sql-Pa55w0rd"
		creds  = "my-creds-value"
	)
	secrets := []string{bearer, pw, redis, sql, creds}
	keys := keychain.System(keychain.Options{})
	ctx := context.Background()
	forget := func() {
		for _, k := range []string{"AUTHORIZATION", "PASSWORD", "REDIS_PASSWORD", "PASSWORD_2", "MY_CREDS"} {
			keys.Delete(ctx, "imp17", k)
		}
	}
	forget() // a leftover would pass for the import's
	t.Cleanup(forget)

	seen := filepath.Join(t.TempDir(), "argv") // outside HOME: what the server was started with
	cursor := filepath.Join(u.Dir, ".cursor", "mcp.json")
	writeFile(t, filepath.Join(u.Dir, ".cursor", "run.sh"), "#!/bin/sh\nprintf '%s\\n' \"$@\" \"MY_CREDS=$MY_CREDS\" > \"$ARGV_FILE\"\nexec "+fake+"\n")
	if err := os.Chmod(filepath.Join(u.Dir, ".cursor", "run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"--header", "Authorization: Bearer " + bearer, "--password=" + pw, "redis://:" + redis + "@cache:6379", "--conn", "Server=db;User Id=sa;Password=" + sql + ";"}
	quoted, _ := json.Marshal(args)
	original := `{
  "mcpServers": {
    "imp17": {"command": "./run.sh", "args": ` + string(quoted) + `, "env": {"MY_CREDS": "` + creds + `", "ARGV_FILE": "` + seen + `"}}
  }
}
`
	writeFile(t, cursor, original)

	// No terminal and no --yes: the plan, then a refusal; nothing changes.
	out, errs, code := u.Run("client", "import", "cursor")
	testbin.AssertNoSecretsIn(t, secrets, "the output of mcptray client import", out+errs)
	if code == 0 || !strings.Contains(errs, "--yes") {
		t.Fatalf("client import without a terminal or --yes: exit %d\n%s%s", code, out, errs)
	}
	for _, want := range []string{"PASSWORD was in the --password flag", "AUTHORIZATION was in the Authorization header", "REDIS_PASSWORD was in the password in a redis:// address", "PASSWORD_2 was in Password= in a connection string", "credentials moved to the system keychain: MY_CREDS, "} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan says:\n%s\nwant it to say %q", out, want)
		}
	}
	if readFile(t, cursor) != original {
		t.Fatal("a refused import changed Cursor's file")
	}
	if _, err := keys.Get(ctx, "imp17", "PASSWORD"); err == nil {
		t.Fatal("a refused import put a credential in the keychain")
	}

	out = u.OK("client", "import", "cursor", "--yes")
	testbin.AssertNoSecretsIn(t, secrets, "the output of mcptray client import --yes", out)
	var cfg struct {
		Servers map[string]struct {
			Command string   `json:"command"`
			Args    []string `json:"args"`
		} `json:"servers"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(u.Home, "config.json"))), &cfg); err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Servers["imp17"].Command, filepath.Join(u.Dir, ".cursor", "run.sh"); got != want {
		t.Errorf("config.json's command is %q, want %q", got, want)
	}

	daemon := u.Command("daemon")
	daemon.Dir = t.TempDir() // not the folder ./run.sh is relative to
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { daemon.Process.Signal(os.Interrupt); daemon.Wait() })
	u.WaitRunning("imp17")
	got, err := os.ReadFile(seen)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Join(append(args, "MY_CREDS="+creds), "\n") + "\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("./run.sh was started with (-want +got):\n%s", diff)
	}
	testbin.AssertNoSecretsIn(t, secrets, "the output of mcptray logs", u.OK("logs", "imp17"))
	testbin.AssertNoSecrets(t, secrets, u.Dir, u.Home)

	u.OK("client", "restore", "cursor")
	if readFile(t, cursor) != original {
		t.Errorf("after client restore Cursor's file is:\n%s\nwant the original:\n%s", readFile(t, cursor), original)
	}
}

// TestServerAddResolvesRelativeCommands: `server add NAME -- ./run.sh` stores the command
// absolute, against the folder it was run from; a relative command that is not there is
// refused with a sentence.
func TestServerAddResolvesRelativeCommands(t *testing.T) {
	u := testbin.NewUser(t)
	here := t.TempDir()
	writeFile(t, filepath.Join(here, "bin", "server"), "#!/bin/sh\nexec "+fake+"\n")
	if err := os.Chmod(filepath.Join(here, "bin", "server"), 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, int) {
		cmd := u.Command(args...)
		cmd.Dir = here
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	if out, code := run("server", "add", "rel", "--", "bin/server"); code != 0 {
		t.Fatalf("server add: exit %d\n%s", code, out)
	}
	out, code := run("server", "add", "nope", "--", "./missing.sh")
	if code == 0 || !strings.Contains(out, "./missing.sh is not a file in "+here) {
		t.Errorf("server add of a missing relative command: exit %d\n%s", code, out)
	}
	var cfg struct {
		Servers map[string]struct {
			Command string `json:"command"`
		} `json:"servers"`
	}
	if err := json.Unmarshal([]byte(readFile(t, filepath.Join(u.Home, "config.json"))), &cfg); err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Servers["rel"].Command, filepath.Join(here, "bin", "server"); got != want {
		t.Errorf("config.json's command is %q, want %q", got, want)
	}
	if _, ok := cfg.Servers["nope"]; ok {
		t.Error("a missing relative command was added")
	}
	u.Daemon() // from the test's folder, not here
	u.WaitRunning("rel")
}
