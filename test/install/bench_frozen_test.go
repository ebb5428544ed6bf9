package install

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/store"
)

// BenchmarkFrozenStart measures start-to-tools of the everything server, as an AI app sees
// it (from spawning the server to its tool list): installed into
// MCP Tray's folder and started as `node …/index.js` (frozen), against the peer in the same
// run, `npx -y @modelcontextprotocol/server-everything@VERSION` with npm's cache warm (npx
// still resolves the package and its dependencies at every start).
func BenchmarkFrozenStart(b *testing.B) {
	testbin.NeedNpx(b)
	ver := testbin.Pinned(b, "everything")
	cache := testbin.NpmCache()
	home := b.TempDir()
	env := append(os.Environ(), "npm_config_cache="+cache, "npm_config_update_notifier=false", "HOME="+home)
	st := &store.Store{Root: filepath.Join(home, "servers"), Env: env}
	_, argv, err := st.Build(context.Background(), "everything",
		store.Package{Registry: "npm", Name: "@modelcontextprotocol/server-everything", Version: ver}, nil)
	if err != nil {
		b.Fatal(err)
	}
	npx := []string{"npx", "-y", "@modelcontextprotocol/server-everything@" + ver}
	startToTools(b, env, npx) // warms npx's cache for this version

	for _, c := range []struct {
		name    string
		command []string
	}{{"frozen", argv}, {"npx-warm", npx}} {
		b.Run(c.name, func(b *testing.B) {
			var total float64
			for b.Loop() {
				total += startToTools(b, env, c.command)
			}
			b.ReportMetric(total/float64(b.N), "ms/start")
		})
	}
}

// startToTools spawns command as an AI app would (stdio, its own process group), sends
// initialize, initialized and tools/list, and returns the milliseconds from the spawn to the
// tool list. The server's whole group is killed afterwards: its exit is not measured.
func startToTools(b *testing.B, env, command []string) float64 {
	b.Helper()
	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 1<<20), 16<<20)
	await := func(id int) json.RawMessage {
		for lines.Scan() {
			var msg struct {
				ID     *int            `json:"id"`
				Result json.RawMessage `json:"result"`
			}
			if json.Unmarshal(lines.Bytes(), &msg) == nil && msg.ID != nil && *msg.ID == id {
				return msg.Result
			}
		}
		b.Fatalf("%q stopped before answering request %d", command, id)
		return nil
	}
	fmt.Fprintln(stdin, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}`)
	await(1)
	fmt.Fprintln(stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	fmt.Fprintln(stdin, `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
	var res struct{ Tools []struct{ Name string } }
	if json.Unmarshal(await(2), &res) != nil || len(res.Tools) == 0 {
		b.Fatalf("%q listed no tools", command)
	}
	return float64(time.Since(start).Microseconds()) / 1000
}
