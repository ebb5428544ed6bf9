package gateway

import (
	"encoding/json"
	"strconv"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// Progress tokens. The hub passes a client's progress token to the server unchanged whenever
// no other request in flight uses the same token, so that what the server sees, and may
// repeat in its results, is exactly what the client sent. Only when two requests in flight
// would share a token does the later one get a token of the hub's (unused by any request in
// flight), which the hub maps back in the server's progress notifications.

// claimTokenLocked registers the progress token of the request msg, forwarded as hub request
// id by call c, and returns msg as the server must see it: unchanged, or with a token of the
// hub's when tok is already in use. h.mu must be held.
func (h *Hub) claimTokenLocked(id int64, c *call, msg []byte) []byte {
	tok := jsonwire.ValueAt(msg, "params", "_meta", "progressToken")
	if tok == nil {
		return msg
	}
	if key, ok := jsonwire.IDKey(tok); ok {
		if _, used := h.tokens[key]; !used {
			h.tokens[key] = id
			c.tokenKey = key
			return msg
		}
	}
	for n := 0; ; n++ {
		mine := []byte(strconv.FormatInt(id, 10))
		if n > 0 {
			mine, _ = json.Marshal("mcptray-" + strconv.FormatInt(id, 10) + "-" + strconv.Itoa(n))
		}
		key, _ := jsonwire.IDKey(mine)
		if _, used := h.tokens[key]; used {
			continue
		}
		out := jsonwire.ReplaceAt(msg, mine, "params", "_meta", "progressToken")
		if out == nil {
			return msg
		}
		h.tokens[key] = id
		c.tokenKey = key
		c.token = append(json.RawMessage(nil), tok...)
		return out
	}
}

// releaseTokenLocked frees the progress token of hub request id. h.mu must be held.
func (h *Hub) releaseTokenLocked(id int64, c *call) {
	if c.tokenKey != "" && h.tokens[c.tokenKey] == id {
		delete(h.tokens, c.tokenKey)
	}
}

// progressFor returns the client request a progress notification of the server is about,
// and the notification as that client must see it; nil when the request is over.
func (h *Hub) progressFor(line []byte) (*call, []byte) {
	key, ok := jsonwire.IDKey(jsonwire.ValueAt(line, "params", "progressToken"))
	if !ok {
		return nil, nil
	}
	h.mu.Lock()
	id, ok := h.tokens[key]
	c := h.calls[id]
	h.mu.Unlock()
	if !ok || c == nil || c.m == nil {
		return nil, nil
	}
	if c.token == nil {
		return c, append([]byte(nil), line...)
	}
	return c, jsonwire.ReplaceAt(line, c.token, "params", "progressToken")
}
