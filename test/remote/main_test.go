package remote

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mcptray/mcptray/internal/testbin"
)

func TestMain(m *testing.M) { testbin.Main(m, nil) }

// example is one of the TypeScript SDK's example servers.
func example(name string) string {
	return testbin.NodeModule("@modelcontextprotocol/sdk/dist/esm/examples/server/" + name)
}

// startExample runs an example server with env and args and returns the first port it
// listens on. It is killed at the end of t.
func startExample(t *testing.T, name string, env []string, args ...string) int {
	t.Helper()
	port, _ := startExampleStop(t, name, env, args...)
	return port
}

// startExampleStoppable is startExample for a test that stops the server itself: the
// returned function kills it and waits until it is gone.
func startExampleStoppable(t *testing.T, name string, env []string, args ...string) func() {
	t.Helper()
	_, stop := startExampleStop(t, name, env, args...)
	return stop
}

func startExampleStop(t *testing.T, name string, env []string, args ...string) (int, func()) {
	t.Helper()
	testbin.NeedNode(t, "@modelcontextprotocol/sdk")
	preload, _ := filepath.Abs("testdata/port.mjs")
	cmd := exec.Command("node", append([]string{"--import", "file://" + preload, example(name)}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	stderr, _ := cmd.StderrPipe()
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() { once.Do(func() { cmd.Process.Kill(); cmd.Wait() }) }
	t.Cleanup(stop)
	ports := make(chan int, 4)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "MCPTRAY_TEST_PORT="); ok {
				n, _ := strconv.Atoi(p)
				ports <- n
			}
		}
		close(ports)
	}()
	select {
	case p, ok := <-ports:
		if !ok {
			t.Fatalf("%s ended before it listened", name)
		}
		return p, stop
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not listen within 60 s", name)
	}
	return 0, stop
}

// bridge starts `mcptray connect NAME` as an AI app would and returns an initialized mcp-go
// client over it.
func bridge(t *testing.T, u *testbin.User, name string) *client.Client {
	t.Helper()
	c, err := connect(t, u, name)
	if err != nil {
		logs, _, _ := u.Run("logs", name)
		t.Fatalf("initialize through mcptray connect %s: %v\n%s", name, err, logs)
	}
	return c
}

// rawInitialize starts a bridge and sends initialize; it returns the error the AI app got.
func rawInitialize(t *testing.T, u *testbin.User, name string) error {
	t.Helper()
	_, err := connect(t, u, name)
	return err
}

// connect starts `mcptray connect NAME` and sends initialize over it with an mcp-go client;
// it returns the client and the error initialize gave. The bridge ends with t.
func connect(t *testing.T, u *testbin.User, name string) (*client.Client, error) {
	t.Helper()
	c := u.Client(t, name)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = "2025-11-25"
	req.Params.ClientInfo = mcp.Implementation{Name: "remote-test", Version: "1"}
	_, err := c.Initialize(ctx, req)
	return c, err
}

// toolNames lists the server's tools through c.
func toolNames(t *testing.T, c *client.Client) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		t.Fatalf("tools/list: %v", err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	return names
}

// callText calls a tool through c and returns its text.
func callText(t *testing.T, c *client.Client, tool string, args map[string]any) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = tool, args
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, content := range res.Content {
		if tc, ok := content.(mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	if res.IsError {
		return b.String(), &toolError{b.String()}
	}
	return b.String(), nil
}

type toolError struct{ text string }

func (e *toolError) Error() string { return "tool error: " + e.text }
