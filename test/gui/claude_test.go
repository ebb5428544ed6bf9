//go:build linux

package gui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
)

// A stand-in for Claude Desktop: this test binary, run under the program name "claude" (the
// name MCP Tray checks the claim "claude-ai" against), reads Claude Desktop's settings file,
// starts the server entry it names as Claude Desktop does, and calls one tool. The bridge's
// parent is then a program called claude, as on a person's computer, and the prompt names
// the app as it would there.

// Environment of the stand-in: its settings file, the server entry, the tool and its
// arguments (JSON). Set only by startClaude.
const (
	claudeConfigEnv = "MCPTRAY_GUI_CLAUDE_CONFIG"
	claudeServerEnv = "MCPTRAY_GUI_CLAUDE_SERVER"
	claudeToolEnv   = "MCPTRAY_GUI_CLAUDE_TOOL"
	claudeArgsEnv   = "MCPTRAY_GUI_CLAUDE_ARGS"
)

// claudeMain runs the stand-in when this process was started as one; it reports whether it
// was (TestMain then exits with the code it returns).
func claudeMain() (int, bool) {
	cfgPath := os.Getenv(claudeConfigEnv)
	if cfgPath == "" {
		return 0, false
	}
	res, err := claudeCall(cfgPath, os.Getenv(claudeServerEnv), os.Getenv(claudeToolEnv), os.Getenv(claudeArgsEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1, true
	}
	json.NewEncoder(os.Stdout).Encode(res)
	return 0, true
}

// claudeResult is what the stand-in prints: the tool call's answer.
type claudeResult struct {
	Text    string `json:"text"`
	IsError bool   `json:"isError"`
}

// claudeCall starts the server named in Claude Desktop's settings at cfgPath, introduces
// itself as Claude Desktop does ("claude-ai"), lists the tools and calls tool with args.
func claudeCall(cfgPath, server, tool, args string) (claudeResult, error) {
	b, err := os.ReadFile(cfgPath)
	if err != nil {
		return claudeResult{}, err
	}
	var cfg struct {
		MCPServers map[string]struct {
			Command string            `json:"command"`
			Args    []string          `json:"args"`
			Env     map[string]string `json:"env"`
		} `json:"mcpServers"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return claudeResult{}, fmt.Errorf("reading %s: %w", cfgPath, err)
	}
	e, ok := cfg.MCPServers[server]
	if !ok {
		return claudeResult{}, fmt.Errorf("%s has no server %q", cfgPath, server)
	}
	env := os.Environ()
	for k, v := range e.Env {
		env = append(env, k+"="+v)
	}
	c, err := client.NewStdioMCPClient(e.Command, env, e.Args...)
	if err != nil {
		return claudeResult{}, err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "claude-ai", Version: "1.0"}
	if _, err := c.Initialize(ctx, init); err != nil {
		return claudeResult{}, fmt.Errorf("starting %s %s: %w", e.Command, strings.Join(e.Args, " "), err)
	}
	if _, err := c.ListTools(ctx, mcp.ListToolsRequest{}); err != nil {
		return claudeResult{}, fmt.Errorf("listing tools: %w", err)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	if err := json.Unmarshal([]byte(args), &req.Params.Arguments); err != nil {
		return claudeResult{}, err
	}
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return claudeResult{}, fmt.Errorf("calling %s: %w", tool, err)
	}
	return claudeResult{Text: resultText(res), IsError: res.IsError}, nil
}

// startClaude starts the stand-in as a program named claude in s's HOME, with Claude Desktop's
// settings at cfgPath, to call tool of server with args; the answer comes on the channel.
func (s *session) startClaude(cfgPath, server, tool string, args map[string]any) <-chan callResult {
	s.t.Helper()
	self, err := os.Executable()
	if err != nil {
		s.t.Fatal(err)
	}
	prog := filepath.Join(s.dir, "Claude", "claude")
	if err := os.MkdirAll(filepath.Dir(prog), 0o700); err != nil {
		s.t.Fatal(err)
	}
	if err := os.Link(self, prog); err != nil { // another file system: a copy
		if err := copyFile(self, prog); err != nil {
			s.t.Fatalf("making the Claude Desktop stand-in: %v", err)
		}
	}
	a, _ := json.Marshal(args)
	cmd := exec.Command(prog)
	cmd.Env = append(s.env, claudeConfigEnv+"="+cfgPath, claudeServerEnv+"="+server,
		claudeToolEnv+"="+tool, claudeArgsEnv+"="+string(a))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("starting the Claude Desktop stand-in: %v", err)
	}
	s.t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ch := make(chan callResult, 1)
	go func() {
		var r claudeResult
		err := json.NewDecoder(out).Decode(&r)
		if err != nil {
			io.Copy(io.Discard, out)
			cmd.Wait()
			err = fmt.Errorf("the Claude Desktop stand-in answered nothing (%v): %s", err, stderr.String())
		}
		ch <- callResult{text: r.Text, isError: r.IsError, err: err}
	}()
	return ch
}

// copyFile copies the program src to dst, executable.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o700)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TestClaudeStandInSaysWhatFailed checks the stand-in itself: a settings file without the
// server is an error on its stderr and no answer, not a silent pass.
func TestClaudeStandInSaysWhatFailed(t *testing.T) {
	s := &session{t: t, dir: t.TempDir(), env: os.Environ()}
	cfg := filepath.Join(s.dir, "claude_desktop_config.json")
	if err := os.WriteFile(cfg, []byte(`{"mcpServers": {}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := <-s.startClaude(cfg, "filesystem", "write_file", nil)
	if r.err == nil || !strings.Contains(r.err.Error(), `has no server "filesystem"`) {
		t.Fatalf("the stand-in answered %+v", r)
	}
}
