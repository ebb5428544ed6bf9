package gateway

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// A modern app (it sent server/discover) on a legacy server (docs/eras.md), as session mode
// bridges it (session_modern_app.go): the app's subscriptions/listen stream becomes
// resources/subscribe for each URI in its filter, shared with the other apps' subscriptions
// (the server is asked once per URI, and told resources/unsubscribe when the last app lets it
// go, by cancelling its stream or leaving); the resource updates and list changes the app
// gets carry the stream's id as io.modelcontextprotocol/subscriptionId. The log level the
// app sends with each request becomes logging/setLevel at the server, at the lowest level any
// app asked for, sent before the request whenever that changes; each app still gets only the
// messages at its own level.

// metaSubscription names the listen stream a notification belongs to.
const metaSubscription = "io.modelcontextprotocol/subscriptionId"

// onLegacyServerLocked reports whether m is a modern app on a legacy server. h.mu must be held.
func (m *member) onLegacyServerLocked() bool {
	return m.modernAppLocked() && m.h.state != nil && !m.h.state.modernOnly()
}

// subscribeLocked adds m to uri's subscribers; it reports whether uri had none, so that the
// server is to be asked. h.mu must be held.
func (m *member) subscribeLocked(uri string) (first bool) {
	h := m.h
	first = len(h.subs[uri]) == 0
	if h.subs[uri] == nil {
		h.subs[uri] = map[*member]struct{}{}
	}
	h.subs[uri][m] = struct{}{}
	if m.subs == nil {
		m.subs = map[string]bool{}
	}
	m.subs[uri] = true
	return first
}

// unsubscribeLocked takes m out of uri's subscribers; it reports whether none are left, so
// that the server is to be told. h.mu must be held.
func (m *member) unsubscribeLocked(uri string) (last bool) {
	h := m.h
	if !m.subs[uri] {
		return false
	}
	delete(h.subs[uri], m)
	delete(m.subs, uri)
	if len(h.subs[uri]) == 0 {
		delete(h.subs, uri)
		return true
	}
	return false
}

// listen handles a modern app's subscriptions/listen for a legacy server; it reports whether
// it did. The stream is never answered: it stays open until the app cancels it. A second
// stream replaces the first.
func (m *member) listen(line []byte, env envelope) bool {
	h := m.h
	var uris []string
	json.Unmarshal(jsonwire.ValueAt(line, "params", "notifications", "resourceSubscriptions"), &uris)
	h.mu.Lock()
	if !m.onLegacyServerLocked() {
		h.mu.Unlock()
		return false
	}
	var unsub, sub []string
	for _, uri := range m.listened {
		if m.unsubscribeLocked(uri) {
			unsub = append(unsub, uri)
		}
	}
	for _, uri := range uris {
		if m.subscribeLocked(uri) {
			sub = append(sub, uri)
		}
	}
	m.listenID = append(json.RawMessage(nil), env.ID...)
	m.listened = uris
	st := h.state
	h.mu.Unlock()
	m.tellSubs(st, unsub, sub)
	return true
}

// endListen handles the app's cancellation of its listen stream (id); it reports whether id
// was that stream.
func (m *member) endListen(id json.RawMessage) bool {
	h := m.h
	h.mu.Lock()
	if m.listenID == nil || !bytes.Equal(id, m.listenID) {
		h.mu.Unlock()
		return false
	}
	var unsub []string
	for _, uri := range m.listened {
		if m.unsubscribeLocked(uri) {
			unsub = append(unsub, uri)
		}
	}
	m.listenID, m.listened = nil, nil
	st := h.state
	h.mu.Unlock()
	m.tellSubs(st, unsub, nil)
	return true
}

// tellSubs tells the server of the resources no app wants any more and those one now wants.
func (m *member) tellSubs(st *hubState, unsub, sub []string) {
	for _, uri := range unsub {
		m.h.tell(st, "resources/unsubscribe", map[string]string{"uri": uri})
	}
	for _, uri := range sub {
		m.h.tell(st, "resources/subscribe", map[string]string{"uri": uri})
	}
}

// streamed returns the server's notification (line) for m, with a newline: a resource update
// or list change carries the id of m's listen stream when m has one.
func (m *member) streamed(line []byte, method string) []byte {
	var listen json.RawMessage
	if method == "notifications/resources/updated" || strings.HasSuffix(method, "/list_changed") {
		m.h.mu.Lock()
		listen = m.listenID
		m.h.mu.Unlock()
	}
	if listen != nil {
		line = setParams(line, nil, map[string]json.RawMessage{metaSubscription: listen})
	}
	return append(append([]byte(nil), line...), '\n')
}

// carryLevel handles the log level a modern app's request (line) carries for a legacy
// server: the server is told the lowest level any app asked for, before the request, when
// that changed.
func (m *member) carryLevel(line []byte) {
	if !bytes.Contains(line, []byte(metaLogLevel)) {
		return
	}
	level := jsonwire.StringAt(line, "params", "_meta", metaLogLevel)
	if level == "" {
		return
	}
	h := m.h
	h.mu.Lock()
	if !m.onLegacyServerLocked() {
		h.mu.Unlock()
		return
	}
	m.level = logRank(level)
	lowest := logLevels[h.minLevelLocked()] // m asked: there is a lowest
	send := lowest != h.levelSent
	h.levelSent = lowest
	st := h.state
	h.mu.Unlock()
	if send { // before the request, so that its log messages are already at that level
		h.tell(st, "logging/setLevel", map[string]string{"level": lowest})
	}
}
