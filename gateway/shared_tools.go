package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// The hub and tool lists: every list a server gives, to a client or to the hub's own
// handshake, goes through the gate, which records pins and hides denied tools.

// toolsList lets the gate see (and trim) a tools/list answer for the client that asked, and
// remembers the complete list so that a restarted server can be compared with it.
// It reads the answer strictly: why is set when it cannot be read unambiguously and must
// not reach the client as a list.
func (h *Hub) toolsList(c *call, line []byte) (out []byte, why string) {
	h.mu.Lock()
	if !c.cursor || c.m.listed == nil {
		c.m.listed = listing{} // a first page starts a new listing
	}
	earlier := c.m.listed
	h.mu.Unlock()
	page, isError, why := readToolsAnswer(line, earlier)
	if why != "" || isError {
		return line, why
	}
	h.mu.Lock()
	h.blocked.update(page)
	c.m.listed.add(page)
	if !c.cursor && page.nextCursor == "" {
		h.tools = toolsFingerprint(page.tools)
	}
	h.mu.Unlock()
	if h.opts.Hooks.Tools != nil {
		h.opts.Hooks.Tools(c.m.sess.view(), page.tools, page.nextCursor)
	}
	result := page.result
	if h.opts.Gate != nil {
		result = h.opts.Gate.Tools(c.m.sess, page.result, page.nextCursor == "")
	}
	if len(page.twice) == 0 && string(result) == string(page.result) {
		return line, ""
	}
	s, e, _ := jsonwire.Field(line, "result")
	return jsonwire.Splice(line, s, e, result), ""
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
// meta, when set, is the _meta a modern-only server requires in every request.
func (h *Hub) listAllTools(ctx context.Context, conn *upstreamConn, pumpDone <-chan struct{}, wait time.Duration, meta map[string]any) (*toolList, error) {
	list := &toolList{}
	cursor := ""
	seen := listing{}
	for range 100 {
		params := map[string]any{}
		if cursor != "" {
			params["cursor"] = cursor
		}
		if meta != nil {
			params["_meta"] = meta
		}
		res, rpcErr, err := h.ask(ctx, conn, pumpDone, "tools/list", params, wait)
		if err != nil {
			return nil, err
		}
		if rpcErr != nil {
			return nil, nil // a server that lists no tools after all: nothing to compare
		}
		page, why := readToolsResult(res, seen)
		if why != "" {
			// Clients are refused the same list when they ask for it.
			h.note("the server's answer to tools/list %s; MCP Tray could not check its tools", why)
			return nil, nil
		}
		h.mu.Lock()
		h.blocked.update(page)
		h.mu.Unlock()
		seen.add(page)
		list.tools = append(list.tools, page.tools...)
		if cursor = page.nextCursor; cursor == "" {
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
