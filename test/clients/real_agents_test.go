package clients

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
)

// agentClient is an AI client installed from npm in test/node whose program has no command
// that loads its MCP servers without a model (Cline's CLI 3.0.65 has only `mcp add/remove`;
// Continue's cn 1.5.47 only shows them in its interactive /mcp screen). It is run headless
// with one prompt against a fakeModel instead, which sees the tools the program offers and
// has it call one.
type agentClient struct {
	id     string // MCP Tray's client id
	module string // a file of the npm package, to say what to install when it is missing
	bin    string // the program in test/node/node_modules/.bin
	// tool is the name the program gives the model for tool of MCP Tray's server "echo".
	tool func(tool string) string
	// unset are the program's variables that would move its files away from HOME.
	unset []string
	// setup does what the person did before MCP Tray: set the program up with the model.
	setup func(t *testing.T, u *testbin.User, work string, model *fakeModel)
	// prompt is the headless run's arguments, prompt included.
	prompt []string
	env    []string // added to the environment of the headless run
}

var agentClients = []agentClient{
	{
		id: "cline", module: "cline/package.json", bin: "cline",
		tool:  func(tool string) string { return "echo__" + tool },
		unset: []string{"CLINE_DIR", "CLINE_DATA_DIR", "CLINE_MCP_SETTINGS_PATH"},
		setup: func(t *testing.T, u *testbin.User, work string, model *fakeModel) {
			if err := os.MkdirAll(filepath.Join(u.Dir, ".cline"), 0o700); err != nil {
				t.Fatal(err)
			}
			runProgram(t, u, work, nil, "cline", "auth", "-p", "openai-compatible", "-k", "not-a-key", "-m", "fake", "-b", model.URL)
		},
		prompt: []string{"--json", "Read the variable ECHO_WORD."},
		// Else Cline starts a "hub" daemon that outlives the run.
		env: []string{"CLINE_SESSION_BACKEND_MODE=local"},
	},
	{
		id: "continue", module: "@continuedev/cli/package.json", bin: "cn",
		tool:  func(tool string) string { return tool },
		unset: []string{"CONTINUE_GLOBAL_DIR"},
		setup: func(t *testing.T, u *testbin.User, work string, model *fakeModel) {
			// cn loads ~/.continue/config.yaml when it exists (else the Continue account's
			// assistant); MCP Tray adds its servers to the person's file.
			config := "name: My assistant\nversion: 1.0.0\nschema: v1\nmodels:\n" +
				"  - name: Local model\n    provider: openai\n    model: fake\n" +
				"    apiBase: " + model.URL + "\n    apiKey: not-a-key\n"
			dir := filepath.Join(u.Dir, ".continue")
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(config), 0o600); err != nil {
				t.Fatal(err)
			}
		},
		// --auto: headless, cn runs no tool that asks first.
		prompt: []string{"-p", "Read the variable ECHO_WORD.", "--auto"},
		env:    []string{"CONTINUE_CLI_ENABLE_TELEMETRY=0"},
	},
}

// TestRealClientsCallToolsThroughMCPTray: for each agent program, with MCP Tray's home in
// the usual place and elsewhere, `client enable` writes the program's file, and the program,
// run headless, offers the model MCP Tray's server's tools and calls one through `mcptray
// connect`: the result carries a value only the server's process knows (a variable MCP Tray
// gives it), so it came from the server and not from the program.
func TestRealClientsCallToolsThroughMCPTray(t *testing.T) {
	for _, ac := range agentClients {
		for _, home := range []string{filepath.Join(".config", "mcptray"), "elsewhere"} {
			t.Run(ac.id+"/"+strings.ReplaceAll(home, "/", "_"), func(t *testing.T) {
				testbin.NeedNode(t, ac.module)
				u := codexUser(t, home)
				u.Env = slices.DeleteFunc(u.Env, func(kv string) bool {
					return slices.ContainsFunc(ac.unset, func(name string) bool { return strings.HasPrefix(kv, name+"=") })
				})
				work := t.TempDir()
				model := newFakeModel(t, ac.tool("get_env"), map[string]string{"name": "ECHO_WORD"})
				ac.setup(t, u, work, model)

				word := randomWord(t)
				u.OK("server", "add", "echo", "--env", "ECHO_WORD="+word, "--", fake)
				u.OK("client", "enable", ac.id)
				u.Daemon()

				start := time.Now()
				out := runProgram(t, u, work, ac.env, ac.bin, ac.prompt...)
				t.Logf("%s ran for %v", ac.bin, time.Since(start).Round(100*time.Millisecond))

				offered := model.Offered()
				for _, tool := range []string{"echo", "get_env"} {
					if !slices.Contains(offered, ac.tool(tool)) {
						t.Errorf("%s did not offer MCP Tray's tool %q; it offered %q\nits output:\n%s", ac.bin, ac.tool(tool), offered, out)
					}
				}
				results := model.Results()
				if !slices.ContainsFunc(results, func(r string) bool { return strings.Contains(r, word) }) {
					t.Errorf("%s's call of %s through MCP Tray did not return the server's value %q; the tool results were %q\nits output:\n%s",
						ac.bin, ac.tool("get_env"), word, results, out)
				}
				if other := model.Other(); len(other) > 0 {
					t.Logf("%s also asked the model for %q", ac.bin, other)
				}
			})
		}
	}
}

// runProgram runs an npm program of test/node in work with the user's environment and env, fails t
// unless it exits 0 within three minutes, and returns its output.
func runProgram(t *testing.T, u *testbin.User, work string, env []string, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, testbin.NodeModule(filepath.Join(".bin", bin)), args...)
	cmd.Dir = work
	cmd.Env = append(append(slices.Clone(u.Env), "NO_COLOR=1", "CI=1"), env...)
	cmd.WaitDelay = 10 * time.Second
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func randomWord(t *testing.T) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "word-" + hex.EncodeToString(b)
}
