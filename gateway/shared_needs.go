package gateway

import (
	"encoding/json"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// The tool list follows each app's capabilities, as far as the hub can know them. A server
// decides which tools to offer from its client's capabilities, and its one client is MCP
// Tray, which declares every capability some app may have (hubCapabilities). A tool's
// definition does not say which capability it needs, and asking a second process with fewer
// capabilities would run the server's code twice (what shared mode exists to avoid), so the
// hub cannot filter the list before a tool was used. It learns instead: when a tool call
// makes the server ask for sampling, elicitation or roots, that tool needs that capability,
// and from then on it is hidden from apps that did not declare it (they are told the list
// changed). Until then such an app sees the tool, and calling it fails with a sentence.

// need is a set of client capabilities a tool needs.
type need uint8

const (
	needSampling need = 1 << iota
	needSamplingTools
	needElicitForm
	needElicitURL
	needRoots
)

// needOf is what the server's request req of method needs of a client.
func needOf(method string, req []byte) need {
	switch method {
	case "sampling/createMessage":
		if jsonwire.ValueAt(req, "params", "tools") != nil {
			return needSampling | needSamplingTools
		}
		return needSampling
	case "elicitation/create":
		if jsonwire.StringAt(req, "params", "mode") == "url" {
			return needElicitURL
		}
		return needElicitForm
	case "roots/list":
		return 0 // an app without roots is answered with none: the tool still works
	}
	return 0
}

// has reports whether the client declared every capability in n.
func (c clientCaps) has(n need) bool {
	return (n&needSampling == 0 || c.sampling) && (n&needSamplingTools == 0 || c.samplingTools) &&
		(n&needElicitForm == 0 || c.elicitForm) && (n&needElicitURL == 0 || c.elicitURL) &&
		(n&needRoots == 0 || c.roots)
}

// learnNeedLocked records that the tool call running for m (when m has exactly one) made the
// server ask for method, and returns the clients that can no longer use that tool and must
// hear that the tool list changed. h.mu must be held.
func (h *Hub) learnNeedLocked(m *member, method string, req []byte) []*member {
	n := needOf(method, req)
	if n == 0 || m == nil {
		return nil
	}
	tool := ""
	for _, c := range h.calls {
		if c.m != m || c.method != "tools/call" {
			continue
		}
		if tool != "" && tool != c.tool {
			return nil // two of the app's tools run: which one asked is not known
		}
		tool = c.tool
	}
	if tool == "" || h.needs[tool]&n == n {
		return nil
	}
	if len(h.needs) >= 4096 {
		return nil
	}
	h.needs[tool] |= n
	var tell []*member
	for o := range h.members {
		if !o.caps.has(h.needs[tool]) {
			tell = append(tell, o)
		}
	}
	return tell
}

// toolsFor trims a tools/list answer (already passed by the gate) for m: tools it learned
// m cannot use are left out.
func (h *Hub) toolsFor(m *member, answer []byte) []byte {
	h.mu.Lock()
	caps := m.caps
	if len(h.needs) == 0 {
		h.mu.Unlock()
		return answer
	}
	var tools []json.RawMessage
	if json.Unmarshal(jsonwire.ValueAt(answer, "result", "tools"), &tools) != nil {
		h.mu.Unlock()
		return answer
	}
	kept := make([]json.RawMessage, 0, len(tools))
	for _, t := range tools {
		if n := h.needs[jsonwire.StringAt(t, "name")]; n == 0 || caps.has(n) {
			kept = append(kept, t)
		}
	}
	h.mu.Unlock()
	if len(kept) == len(tools) {
		return answer
	}
	b, _ := json.Marshal(kept)
	if out := jsonwire.ReplaceAt(answer, b, "result", "tools"); out != nil {
		return out
	}
	return answer
}
