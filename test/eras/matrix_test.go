// Package eras tests every client era with every server era through the real binary, in
// both modes (docs/eras.md): {legacy, modern} client × {legacy, modern-only, both} server ×
// {session, shared}. Each cell lists tools, calls a tool with progress, reads a resource,
// gets a prompt, and calls a tool whose server needs input from the client (elicitation).
package eras

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/mcptray/mcptray/internal/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m, nil) }

const everythingRel = "@modelcontextprotocol/server-everything/dist/index.js"

// serverKind is one server of the matrix and what each step asks of it.
type serverKind struct {
	name    string
	command func(t *testing.T) []string
	era     string // what the server speaks: legacy, modern, both

	progressTool string
	progressArgs map[string]any
	resource     string
	resourceText string
	prompt       string
	promptText   string
	elicitTool   string
	elicitWant   string
}

var servers = []serverKind{{
	name: "legacy", era: "legacy",
	command: func(t *testing.T) []string {
		return []string{"node", testbin.NeedNode(t, everythingRel), "stdio"}
	},
	progressTool: "trigger-long-running-operation", progressArgs: map[string]any{"duration": 0.2, "steps": 2},
	resource: "demo://resource/dynamic/text/1", resourceText: "Resource 1",
	prompt: "simple-prompt", promptText: "without arguments",
	elicitTool: "trigger-elicitation-request", elicitWant: "Name: Grace",
}, {
	name: "modern", era: "modern",
	command:      func(t *testing.T) []string { return []string{modernServer(t)} },
	progressTool: "count", progressArgs: map[string]any{},
	resource: "modern://note", resourceText: "a note from the modern server",
	prompt: "hello", promptText: "hello",
	elicitTool: "greet", elicitWant: "Hello Grace (accept)",
}, {
	name: "both", era: "both",
	command:      func(t *testing.T) []string { return []string{modernServer(t), "-both"} },
	progressTool: "count", progressArgs: map[string]any{},
	resource: "modern://note", resourceText: "a note from the modern server",
	prompt: "hello", promptText: "hello",
	elicitTool: "greet", elicitWant: "Hello Grace (accept)",
}}

func TestEraMatrix(t *testing.T) {
	for _, mode := range []string{"session", "shared"} {
		t.Run(mode, func(t *testing.T) {
			u := testbin.NewUser(t)
			for _, s := range servers {
				args := append([]string{"server", "add", s.name, "--mode", mode, "--"}, s.command(t)...)
				u.OK(args...)
				u.OK("policy", "trust", s.name)
			}
			u.Daemon()
			for _, s := range servers {
				u.WaitRunning(s.name)
			}
			for _, s := range servers {
				for _, modern := range []bool{false, true} {
					clientEra := map[bool]string{false: "legacy", true: "modern"}[modern]
					t.Run(clientEra+"-client/"+s.name+"-server", func(t *testing.T) {
						cell(t, u, s, modern)
					})
				}
			}
		})
	}
}

// elicitName answers every elicitation with the name Grace, and counts them.
type elicitName struct{ asked atomic.Int32 }

func (e *elicitName) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	e.asked.Add(1)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseActionAccept,
		Content: map[string]any{"name": "Grace", "check": true, "email": "grace@example.com", "homepage": "https://example.com", "color": "red"}}}, nil
}

// cell runs one client of the matrix (mcp-go: legacy pinned to 2025-11-25, or modern at
// 2026-07-28 with no fallback taken) through `mcptray connect` to server s.
func cell(t *testing.T, u *testbin.User, s serverKind, modern bool) {
	e := &elicitName{}
	c := connectClient(t, u, s.name, modern, e)
	var progressMu sync.Mutex
	progress := 0
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" && fmt.Sprint(n.Params.AdditionalFields["progressToken"]) == "tok-1" {
			progressMu.Lock()
			progress++
			progressMu.Unlock()
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	names := map[string]bool{}
	for _, tool := range tools.Tools {
		names[tool.Name] = true
	}
	for _, n := range []string{"echo", s.progressTool, s.elicitTool} {
		if !names[n] {
			t.Errorf("tools/list has no %s: %v", n, names)
		}
	}

	call := mcp.CallToolRequest{}
	call.Params.Name = s.progressTool
	call.Params.Arguments = s.progressArgs
	call.Params.Meta = &mcp.Meta{ProgressToken: "tok-1"}
	if r, err := c.CallTool(ctx, call); err != nil || r.IsError {
		t.Errorf("%s: %v, %v", s.progressTool, r, err)
	}
	progressMu.Lock()
	got := progress
	progressMu.Unlock()
	if got == 0 {
		t.Errorf("%s reported no progress for the client's token before its answer", s.progressTool)
	}

	rr := mcp.ReadResourceRequest{}
	rr.Params.URI = s.resource
	if r, err := c.ReadResource(ctx, rr); err != nil || len(r.Contents) == 0 || !strings.Contains(fmt.Sprint(r.Contents[0]), s.resourceText) {
		t.Errorf("resources/read %s: %v, %v", s.resource, r, err)
	}

	pr := mcp.GetPromptRequest{}
	pr.Params.Name = s.prompt
	if r, err := c.GetPrompt(ctx, pr); err != nil || !strings.Contains(fmt.Sprint(r.Messages), s.promptText) {
		t.Errorf("prompts/get %s: %v, %v", s.prompt, r, err)
	}

	call = mcp.CallToolRequest{}
	call.Params.Name = s.elicitTool
	call.Params.Arguments = map[string]any{}
	r, err := c.CallTool(ctx, call)
	if err != nil || !strings.Contains(fmt.Sprint(r.Content), s.elicitWant) {
		t.Errorf("%s: %v, %v; want %q", s.elicitTool, r, err, s.elicitWant)
	}
	if n := e.asked.Load(); n != 1 {
		t.Errorf("the client was asked for input %d times; want once", n)
	}
}

var modernOnce struct {
	sync.Once
	path string
	err  error
}

// modernServer builds test/shared/modern (mcp-go; 2026-07-28 only, or both eras with -both)
// once per test process.
func modernServer(t *testing.T) string {
	t.Helper()
	modernOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mcptray-eras-")
		if err != nil {
			modernOnce.err = err
			return
		}
		modernOnce.path = filepath.Join(dir, "modern")
		cmd := exec.Command("go", "build", "-o", modernOnce.path, "./test/shared/modern")
		cmd.Dir = filepath.Join("..", "..")
		cmd.Env = append(cmd.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			modernOnce.err = fmt.Errorf("building the modern-only server: %v\n%s", err, out)
		}
	})
	if modernOnce.err != nil {
		t.Fatal(modernOnce.err)
	}
	return modernOnce.path
}
