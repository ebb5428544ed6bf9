package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"
)

// The install check and the scanner greet a server exactly as the shared hub does: one
// handshake (gateway.Greet), one protocol version, one identity, one set of capabilities.
func TestListToolsGreetsAsTheHubDoes(t *testing.T) {
	// What gateway.Greet asks a server, recorded.
	var want map[string]any
	Greet(context.Background(), func(_ context.Context, method string, params any, _ time.Duration) (json.RawMessage, json.RawMessage, error) {
		b, _ := json.Marshal(params)
		json.Unmarshal(b, &want)
		return json.RawMessage(`{}`), nil, nil
	}, func([]byte) {}, GreetOptions{})

	// Operating-system pipes, which buffer: the server writes its roots/list and its answer
	// before it reads the probe's reply, as a real one may.
	toSrv, cliOut, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cliIn, fromSrv, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer cliOut.Close()
	defer fromSrv.Close()
	got := make(chan map[string]any, 1)
	roots := make(chan string, 1)
	go func() { // a scripted server
		r := bufio.NewReader(toSrv)
		for {
			line, err := r.ReadBytes('\n')
			if err != nil {
				return
			}
			var m struct {
				ID     json.RawMessage
				Method string
				Params map[string]any
				Result json.RawMessage
			}
			json.Unmarshal(line, &m)
			switch {
			case m.Method == "initialize":
				got <- m.Params
				fromSrv.Write([]byte(`{"jsonrpc":"2.0","id":` + string(m.ID) + `,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"s","version":"1"}}}` + "\n"))
			case m.Method == "tools/list":
				// A server that fetches its client's roots before it lists (the filesystem
				// server does, once roots are declared).
				fromSrv.Write([]byte(`{"jsonrpc":"2.0","id":"r1","method":"roots/list"}` + "\n"))
				fromSrv.Write([]byte(`{"jsonrpc":"2.0","id":` + string(m.ID) + `,"result":{"tools":[{"name":"echo","inputSchema":{"type":"object"}}]}}` + "\n"))
			case string(m.ID) == `"r1"`:
				roots <- string(m.Result)
			}
		}
	}()
	tools, err := ListTools(cliOut, bufio.NewReader(cliIn))
	if err != nil || len(tools) != 1 {
		t.Fatalf("listTools = %s, %v", tools, err)
	}
	params := <-got
	a, _ := json.Marshal(params)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Errorf("the probe's initialize asked %s, the hub's asks %s", a, b)
	}
	if r := <-roots; r != `{"roots":[]}` {
		t.Errorf("the probe answered roots/list with %s", r)
	}
}
