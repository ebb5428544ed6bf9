package gateway

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// A modern-only server sends list changes and resource updates only on a
// subscriptions/listen stream its client opened, for the kinds the client opted in to; it
// has no resources/subscribe. For legacy apps on such a server (see docs/eras.md) the hub
// keeps one stream open per process: every list change the server offers, and every
// resource some app subscribed to. When the set of resources changes, the hub cancels the
// stream and opens a new one. What arrives on it is routed as a legacy server's
// notifications are: list changes to every app, resource updates to their subscribers.

// relistenLocked returns the messages that replace the process's listen stream with one for
// what the apps want now: the old stream's cancellation and the new request (none when the
// server offers nothing to listen to). It does nothing for a server that is not modern-only.
// h.mu must be held.
func (h *Hub) relistenLocked(st *hubState) [][]byte {
	if !st.modernOnly() {
		return nil
	}
	var msgs [][]byte
	if h.listenID != 0 {
		msgs = append(msgs, cancelledNote(json.RawMessage(itoa(h.listenID)), "MCP Tray listens for a new set of subscriptions"))
		delete(h.calls, h.listenID)
		h.listenID = 0
	}
	caps := st.capabilities()
	filter := map[string]any{}
	for kind, key := range map[string]string{"tools": "toolsListChanged", "prompts": "promptsListChanged", "resources": "resourcesListChanged"} {
		if string(jsonwire.ValueAt(caps, kind, "listChanged")) == "true" {
			filter[key] = true
		}
	}
	if string(jsonwire.ValueAt(caps, "resources", "subscribe")) == "true" && len(h.subs) > 0 {
		uris := make([]string, 0, len(h.subs))
		for uri := range h.subs {
			uris = append(uris, uri)
		}
		slices.Sort(uris)
		filter["resourceSubscriptions"] = uris
	}
	if len(filter) == 0 {
		return msgs
	}
	id := h.seq.Add(1)
	h.calls[id] = &call{method: "subscriptions/listen", start: time.Now()}
	h.listenID = id
	return append(msgs, request(id, "subscriptions/listen", map[string]any{"notifications": filter,
		"_meta": map[string]any{metaVersion: statelessVersion, metaCaps: hubCapabilities, metaInfo: h.info()}}))
}

// relisten replaces the listen stream of the process of generation st (see relistenLocked).
func (h *Hub) relisten(st *hubState) {
	h.mu.Lock()
	msgs := h.relistenLocked(st)
	h.mu.Unlock()
	for _, msg := range msgs {
		if h.writeUp(st, msg) != nil {
			return
		}
	}
}

// info is MCP Tray's clientInfo in its own requests.
func (h *Hub) info() map[string]string {
	v := h.opts.Version
	if v == "" {
		v = "dev"
	}
	return map[string]string{"name": "MCP Tray", "version": v}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
