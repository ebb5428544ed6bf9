package clients

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fakeModel is an OpenAI-compatible chat-completions endpoint on loopback that stands in for
// a model, so that an agent program with no command listing its MCP servers (Cline's CLI,
// Continue's cn) can still be run headless against the file MCP Tray wrote. It records the
// tools the program offers it; when the program offers call, it asks for that tool to be
// called once with args, and records what the program sends back as the call's result.
// Every other turn it answers "done".
type fakeModel struct {
	call string          // the tool to call, as the program names it
	args json.RawMessage // its arguments
	URL  string          // the base URL, ending in /v1

	mu      sync.Mutex
	offered []string // every tool name offered, in order, without repeats
	results []string // the content of every tool-result message the program sent
	other   []string // requests for anything but the models list and chat completions
}

// newFakeModel starts a fakeModel that asks for call(args); it is stopped when t ends.
func newFakeModel(t *testing.T, call string, args any) *fakeModel {
	b, err := json.Marshal(args)
	if err != nil {
		t.Fatal(err)
	}
	m := &fakeModel{call: call, args: b}
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	m.URL = srv.URL + "/v1"
	return m
}

// Offered is every tool name the program offered the model.
func (m *fakeModel) Offered() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.offered)
}

// Results is the content of every tool result the program sent back, as JSON text.
func (m *fakeModel) Results() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.results)
}

// Other is every request the program made that the fake model does not serve.
func (m *fakeModel) Other() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.other)
}

func (m *fakeModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/models"):
		writeJSON(w, map[string]any{"object": "list", "data": []any{
			map[string]any{"id": "fake", "object": "model", "created": 0, "owned_by": "mcptray-test"}}})
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/chat/completions"):
		m.complete(w, r)
	default:
		m.mu.Lock()
		m.other = append(m.other, r.Method+" "+r.URL.Path)
		m.mu.Unlock()
		http.NotFound(w, r)
	}
}

// complete answers one chat completion: the tool call the first time the program offers the
// tool, "done" after the program sent a tool result or when it did not offer the tool.
func (m *fakeModel) complete(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Stream bool `json:"stream"`
		Tools  []struct {
			Name     string `json:"name"`
			Function struct {
				Name string `json:"name"`
			} `json:"function"`
		} `json:"tools"`
		Messages []struct {
			Role    string          `json:"role"`
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	offered, answered := false, false
	m.mu.Lock()
	for _, tool := range req.Tools {
		name := cmp.Or(tool.Function.Name, tool.Name)
		offered = offered || name == m.call
		if !slices.Contains(m.offered, name) {
			m.offered = append(m.offered, name)
		}
	}
	for _, msg := range req.Messages {
		if msg.Role == "tool" {
			answered = true
			m.results = append(m.results, string(msg.Content))
		}
	}
	m.mu.Unlock()

	message := map[string]any{"role": "assistant", "content": "done"}
	finish := "stop"
	if offered && !answered {
		message = map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{
			"index": 0, "id": "call_mcptray_1", "type": "function",
			"function": map[string]any{"name": m.call, "arguments": string(m.args)}}}}
		finish = "tool_calls"
	}
	if !req.Stream {
		writeJSON(w, map[string]any{"id": "fake-1", "object": "chat.completion", "created": 0, "model": "fake",
			"choices": []any{map[string]any{"index": 0, "message": message, "finish_reason": finish}},
			"usage":   map[string]any{"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	for _, choice := range []map[string]any{
		{"index": 0, "delta": message, "finish_reason": nil},
		{"index": 0, "delta": map[string]any{}, "finish_reason": finish},
	} {
		b, _ := json.Marshal(map[string]any{"id": "fake-1", "object": "chat.completion.chunk", "created": 0, "model": "fake",
			"choices": []any{choice}})
		fmt.Fprintf(w, "data: %s\n\n", b)
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
