// Command modern is an MCP server that speaks only the 2026-07-28 protocol (mcp-go's stdio
// server): it answers server/discover and refuses initialize, as a modern-only server does.
// Its tools: echo; greet, which asks the client for a name through a multi round-trip
// (input_required) result instead of a server-to-client request; count, which reports
// progress; and grow, which adds a tool (a list change for listening clients); a prompt,
// hello, and a resource, modern://note. The tests of both protocol eras run it through MCP
// Tray for legacy clients.
//
// With -both it speaks both eras, as a server that supports legacy clients too: it answers
// initialize, and mcp-go asks a legacy client for greet's input with elicitation/create.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// out is the server's stdout, written one whole message at a time.
var out = &lockedWriter{w: os.Stdout}

// both is set by -both: the server speaks the legacy era too.
var both bool

func main() {
	flag.BoolVar(&both, "both", false, "speak the legacy protocol (initialize) too")
	flag.Parse()
	s := server.NewMCPServer("modern", "1.0.0", server.WithToolCapabilities(true), server.WithPromptCapabilities(false),
		server.WithResourceCapabilities(false, false))
	s.AddTool(mcp.NewTool("echo", mcp.WithDescription("Echoes the text back."), mcp.WithString("text", mcp.Required())),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText(req.GetString("text", "")), nil
		})
	s.AddTool(mcp.NewTool("greet", mcp.WithDescription("Asks the person for their name, then greets them.")), greet)
	s.AddTool(mcp.NewTool("count", mcp.WithDescription("Counts to three, reporting progress.")),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			if req.Params.Meta != nil && req.Params.Meta.ProgressToken != nil {
				// Written here, before the answer, so that progress arrives while the call runs.
				for i := 1; i <= 3; i++ {
					b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "notifications/progress",
						"params": map[string]any{"progressToken": req.Params.Meta.ProgressToken, "progress": i, "total": 3}})
					out.Write(append(b, '\n'))
				}
			}
			return mcp.NewToolResultText(fmt.Sprintf("token %v", progressToken(req))), nil
		})
	s.AddTool(mcp.NewTool("grow", mcp.WithDescription("Adds a tool.")),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			s.AddTool(mcp.NewTool("grown", mcp.WithDescription("A tool added later.")),
				func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
					return mcp.NewToolResultText("grown"), nil
				})
			return mcp.NewToolResultText("grew"), nil
		})
	s.AddPrompt(mcp.NewPrompt("hello", mcp.WithPromptDescription("Says hello.")),
		func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			return mcp.NewGetPromptResult("hello", []mcp.PromptMessage{mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent("hello"))}), nil
		})

	s.AddResource(mcp.NewResource("modern://note", "note", mcp.WithMIMEType("text/plain")),
		func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			return []mcp.ResourceContents{mcp.TextResourceContents{URI: "modern://note", MIMEType: "text/plain", Text: "a note from the modern server"}}, nil
		})

	in, feed := io.Pipe()
	go func() { // initialize is refused here; everything else goes to the server
		sc := bufio.NewScanner(os.Stdin)
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			var env struct {
				ID     json.RawMessage `json:"id"`
				Method string          `json:"method"`
			}
			json.Unmarshal(sc.Bytes(), &env)
			if env.Method == "initialize" && !both {
				b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": env.ID, "error": map[string]any{
					"code": mcp.UNSUPPORTED_PROTOCOL_VERSION, "message": "this server speaks only 2026-07-28; use server/discover",
					"data": map[string]any{"supported": []string{"2026-07-28"}}}})
				out.Write(append(b, '\n'))
				continue
			}
			feed.Write(append(append([]byte(nil), sc.Bytes()...), '\n'))
		}
		feed.Close()
	}()
	ctx := context.Background()
	if !both {
		ctx = server.WithSupportedProtocolVersions(ctx, []string{"2026-07-28"})
	}
	if err := server.NewStdioServer(s).Listen(ctx, in, out); err != nil && err != io.EOF && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, err)
	}
}

func greet(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	answer := server.ElicitationResponse(req.Params.InputResponses, "name")
	if answer == nil {
		return server.NewInputRequestBuilder("asked-once").Elicit("name", mcp.ElicitationParams{
			Message: "What is your name?",
			RequestedSchema: map[string]any{"type": "object",
				"properties": map[string]any{"name": map[string]any{"type": "string"}}, "required": []string{"name"}},
		}).ToolResult(), nil
	}
	if req.Params.RequestState != "asked-once" {
		return mcp.NewToolResultError("the request state did not come back"), nil
	}
	content, _ := answer.Content.(map[string]any)
	name, _ := content["name"].(string)
	return mcp.NewToolResultText(fmt.Sprintf("Hello %s (%s)", name, answer.Action)), nil
}

func progressToken(req mcp.CallToolRequest) any {
	if req.Params.Meta == nil {
		return nil
	}
	return req.Params.Meta.ProgressToken
}

// lockedWriter writes whole messages, one at a time.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
