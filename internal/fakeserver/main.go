// Command fakeserver is an MCP server for tests, built with mcp-go and spawned for real. Its
// flags make it misbehave in the ways real servers do: exit at once, crash after a while,
// ignore SIGTERM and stdin closing, leave a grandchild behind, flood stderr, print its
// environment, lie about its tools.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	exitNow := flag.Int("exit-now", -1, "exit at once with this code")
	crashAfter := flag.Duration("crash-after", 0, "exit with code 2 after this long")
	ignoreTerm := flag.Bool("ignore-term", false, "ignore SIGTERM/SIGINT and keep running after stdin closes")
	grandchild := flag.String("grandchild", "", "start a grandchild that ignores SIGTERM and write its pid to this file")
	idle := flag.Bool("idle", false, "serve nothing; just stay alive (used for the grandchild)")
	flood := flag.Bool("flood", false, "write to stderr as fast as possible")
	printEnv := flag.String("print-env", "", "comma-separated variables to print to stderr at start")
	toolsFile := flag.String("tools", "", "JSON file with a list of raw tool definitions to serve instead of the defaults")
	hello := flag.String("hello", "", "a line to print to stderr at start")
	raw := flag.Bool("raw", false, "a minimal JSON-RPC server without mcp-go: every request is answered with its own params as the result (for very large messages)")
	flag.Parse()
	if *raw {
		rawEcho()
		return
	}

	if *exitNow >= 0 {
		fmt.Fprintln(os.Stderr, "fakeserver: exiting at once as asked")
		os.Exit(*exitNow)
	}
	if *ignoreTerm {
		signal.Ignore(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	}
	if *idle {
		stayForever()
	}
	if *hello != "" {
		fmt.Fprintln(os.Stderr, *hello)
	}
	if *printEnv != "" {
		for _, k := range strings.Split(*printEnv, ",") {
			fmt.Fprintf(os.Stderr, "%s=%s\n", k, os.Getenv(k))
		}
	}
	if *grandchild != "" {
		cmd := exec.Command(os.Args[0], "-idle", "-ignore-term")
		if err := cmd.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "starting grandchild:", err)
			os.Exit(1)
		}
		os.WriteFile(*grandchild, []byte(fmt.Sprint(cmd.Process.Pid)), 0o600)
	}
	if *crashAfter > 0 {
		go func() {
			time.Sleep(*crashAfter)
			fmt.Fprintln(os.Stderr, "fakeserver: crashing as asked")
			os.Exit(2)
		}()
	}
	if *flood {
		go func() {
			line := strings.Repeat("flood ", 20)
			for i := 0; ; i++ {
				fmt.Fprintf(os.Stderr, "%d %s\n", i, line)
			}
		}()
	}

	s := server.NewMCPServer("fakeserver", "1.0.0", server.WithToolCapabilities(true))
	if *toolsFile != "" {
		addRawTools(s, *toolsFile)
	} else {
		addDefaultTools(s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if !*ignoreTerm {
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
		go func() { <-sigs; cancel() }()
	}
	err := server.NewStdioServer(s).Listen(ctx, os.Stdin, os.Stdout)
	if *ignoreTerm {
		stayForever() // stubborn: stays after stdin closes, until SIGKILL
	}
	if err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "fakeserver:", err)
	}
}

func addDefaultTools(s *server.MCPServer) {
	s.AddTool(mcp.NewTool("echo", mcp.WithDescription("Echoes the text back."),
		mcp.WithString("text", mcp.Required()), mcp.WithReadOnlyHintAnnotation(true)),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText(req.GetString("text", "")), nil
		})
	s.AddTool(mcp.NewTool("get_env", mcp.WithDescription("Returns the value of an environment variable."),
		mcp.WithString("name", mcp.Required()), mcp.WithReadOnlyHintAnnotation(true)),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText(os.Getenv(req.GetString("name", ""))), nil
		})
	s.AddTool(mcp.NewTool("slow", mcp.WithDescription("Waits for the given number of milliseconds."),
		mcp.WithNumber("ms", mcp.Required()), mcp.WithReadOnlyHintAnnotation(true)),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			fmt.Fprintln(os.Stderr, "slow: started") // tests wait for it: the call reached the server
			select {
			case <-time.After(time.Duration(req.GetFloat("ms", 0)) * time.Millisecond):
				return mcp.NewToolResultText("done"), nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		})
	s.AddTool(mcp.NewTool("noisy", mcp.WithDescription("Prints a line that is not JSON-RPC to stdout, then answers."),
		mcp.WithReadOnlyHintAnnotation(true)),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			os.Stdout.Write([]byte("this is a log line on stdout, not JSON-RPC\n"))
			return mcp.NewToolResultText("still here"), nil
		})
	s.AddTool(mcp.NewTool("write_note", mcp.WithDescription("Writes a note to a file."),
		mcp.WithString("path", mcp.Required()), mcp.WithString("text", mcp.Required()),
		mcp.WithDestructiveHintAnnotation(true)),
		func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			if err := os.WriteFile(req.GetString("path", ""), []byte(req.GetString("text", "")), 0o600); err != nil {
				return mcp.NewToolResultError(err.Error()), nil
			}
			return mcp.NewToolResultText("written"), nil
		})
}

// addRawTools serves tool definitions exactly as given, so tests control every field.
func addRawTools(s *server.MCPServer, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reading tools:", err)
		os.Exit(1)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		fmt.Fprintln(os.Stderr, "parsing tools:", err)
		os.Exit(1)
	}
	for _, raw := range raws {
		var t mcp.Tool
		if err := json.Unmarshal(raw, &t); err != nil {
			fmt.Fprintln(os.Stderr, "parsing tool:", err)
			os.Exit(1)
		}
		t.RawInputSchema = nil
		var withSchema struct {
			InputSchema json.RawMessage `json:"inputSchema"`
		}
		json.Unmarshal(raw, &withSchema)
		if len(withSchema.InputSchema) > 0 {
			t = mcp.NewToolWithRawSchema(t.Name, t.Description, withSchema.InputSchema)
			var ann struct {
				Annotations mcp.ToolAnnotation `json:"annotations"`
			}
			json.Unmarshal(raw, &ann)
			t.Annotations = ann.Annotations
		}
		s.AddTool(t, func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText("called " + req.Params.Name), nil
		})
	}
}

// stayForever blocks without tripping the runtime's deadlock detector (a bare select{} in a
// program with no other goroutines crashes it, which would make a "stubborn" server exit).
func stayForever() {
	for {
		time.Sleep(time.Hour)
	}
}

// rawEcho answers each request line with {"result": <its params>}, reading and writing
// without size limits.
func rawEcho() {
	r := bufio.NewReaderSize(os.Stdin, 1<<20)
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			var req struct {
				ID     json.RawMessage `json:"id"`
				Params json.RawMessage `json:"params"`
			}
			if json.Unmarshal(line, &req) == nil && len(req.ID) > 0 {
				if len(req.Params) == 0 {
					req.Params = json.RawMessage("{}")
				}
				w.WriteString(`{"jsonrpc":"2.0","id":`)
				w.Write(req.ID)
				w.WriteString(`,"result":`)
				w.Write(req.Params)
				w.WriteString("}\n")
				w.Flush()
			}
		}
		if err != nil {
			return
		}
	}
}
