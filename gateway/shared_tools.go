package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"time"
)

// The hub and tool lists: every list a server gives, to a client or to the hub's own
// handshake, goes through the gate, which records pins and hides denied tools.

// toolsList lets the gate see (and trim) a tools/list answer for the client that asked, and
// remembers the complete list so that a restarted server can be compared with it.
func (h *Hub) toolsList(c *call, line []byte) []byte {
	res := valueAt(line, "result")
	if res == nil {
		return line
	}
	var page struct {
		Tools      []json.RawMessage `json:"tools"`
		NextCursor string            `json:"nextCursor"`
	}
	if json.Unmarshal(res, &page) != nil {
		return line
	}
	if !c.cursor && page.NextCursor == "" {
		fp := toolsFingerprint(page.Tools)
		h.mu.Lock()
		h.tools = fp
		h.mu.Unlock()
	}
	if h.opts.Hooks.Tools != nil {
		h.opts.Hooks.Tools(c.m.sess, page.Tools, page.NextCursor)
	}
	if h.opts.Gate == nil {
		return line
	}
	out := h.opts.Gate.Tools(c.m.sess, res, page.NextCursor == "")
	if string(out) == string(res) {
		return line
	}
	s, e, _ := field(line, "result")
	return splice(line, s, e, out)
}

func toolsFingerprint(tools []json.RawMessage) []byte {
	sum := sha256.New()
	for _, t := range tools {
		sum.Write(t)
		sum.Write([]byte{'\n'})
	}
	return sum.Sum(nil)
}

// toolList is a server's tool list as the hub's handshake read it.
type toolList struct {
	tools    []json.RawMessage
	complete bool // false when the server kept naming further pages
}

// listAllTools pages through tools/list. It returns nil when the server answers tools/list
// with an error.
func (h *Hub) listAllTools(ctx context.Context, conn *upstreamConn, pumpDone <-chan struct{}, wait time.Duration) (*toolList, error) {
	list := &toolList{}
	cursor := ""
	for range 100 {
		params := map[string]string{}
		if cursor != "" {
			params["cursor"] = cursor
		}
		res, rpcErr, err := h.ask(ctx, conn, pumpDone, "tools/list", params, wait)
		if err != nil {
			return nil, err
		}
		if rpcErr != nil {
			return nil, nil // a server that lists no tools after all: nothing to compare
		}
		var page struct {
			Tools      []json.RawMessage `json:"tools"`
			NextCursor string            `json:"nextCursor"`
		}
		json.Unmarshal(res, &page)
		list.tools = append(list.tools, page.Tools...)
		if cursor = page.NextCursor; cursor == "" {
			list.complete = true
			break
		}
	}
	return list, nil
}

// checkTools shows a new process's tool list to the Tools hook and the gate exactly as a
// client's listing is shown (in one piece, complete when it is), under a session of the
// hub's own that ends at once.
func (h *Hub) checkTools(list *toolList) {
	sess := &Session{ID: "shared", Server: h.opts.Server, Client: "MCP Tray"}
	if h.opts.Hooks.Tools != nil {
		h.opts.Hooks.Tools(sess, list.tools, "")
	}
	if h.opts.Gate == nil {
		return
	}
	result := append([]byte(nil), `{"tools":[`...)
	for i, t := range list.tools {
		if i > 0 {
			result = append(result, ',')
		}
		result = append(result, t...)
	}
	result = append(result, "]}"...)
	h.opts.Gate.Tools(sess, result, list.complete)
	h.opts.Gate.End(sess)
}
