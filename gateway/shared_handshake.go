package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// knownVersions are the MCP protocol versions, newest first. Versions sort as strings.
var knownVersions = []string{"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "2024-10-07"}

const (
	// statelessVersion is the first version without initialize (server/discover instead).
	statelessVersion = "2026-07-28"
	// handshakeVersion is what the hub asks for in its own initialize: the newest legacy one.
	handshakeVersion = "2025-11-25"
	// codeUnsupportedVersion is the stateless protocol's "unsupported protocol version".
	codeUnsupportedVersion = -32022
)

// hubCapabilities are the client capabilities the hub can route to its clients: every kind
// of request some app may answer, so that a server offers every tool some app can use. Each
// request then reaches only an app that declared it can answer (see callerLocked), and roots
// are asked of the app whose request is running.
var hubCapabilities = json.RawMessage(`{"sampling":{"tools":{}},"elicitation":{"form":{},"url":{}},"roots":{"listChanged":true}}`)

// hubState is what the server said in the handshake of one process.
type hubState struct {
	init        json.RawMessage // initialize result; nil when the server refused initialize
	discover    json.RawMessage // server/discover result; nil when the server has none
	discoverErr json.RawMessage // the error object it answered server/discover with
	supported   []string        // protocol versions the server speaks, newest first
	// early are the list changes the server announced once initialized, before the hub was
	// ready (a server that registers tools by its client's capabilities announces them then).
	// Each client gets them after its own initialized, as it would from the server directly.
	early [][]byte
}

// handshake initializes a fresh process for the hub and makes it ready for clients. When the
// tool list differs from the last one clients saw, every client is told.
func (h *Hub) handshake(ctx context.Context, conn *upstreamConn, pumpDone <-chan struct{}) error {
	info := clientInfo(h.opts.Version)
	h.mu.Lock()
	h.early = nil
	h.roots = rootsState{} // a new process was told nothing yet
	h.listenID = 0
	h.mu.Unlock()
	wait := h.opts.HandshakeTimeout
	if wait <= 0 {
		wait = 60 * time.Second
	}
	ask := func(ctx context.Context, method string, params any, timeout time.Duration) (json.RawMessage, json.RawMessage, error) {
		return h.ask(ctx, conn, pumpDone, method, params, timeout)
	}
	g, err := Greet(ctx, ask, func(msg []byte) { conn.write(msg) }, GreetOptions{Version: h.opts.Version, Discover: true,
		DiscoverTimeout: h.opts.DiscoverTimeout, Timeout: wait})
	switch {
	case errors.Is(err, ErrHandshakeRefused):
		return err
	case err != nil:
		return handshakeError(err)
	}
	st := &hubState{init: g.Init, discover: g.Discover, discoverErr: g.DiscoverErr}
	st.supported = supportedVersions(st)
	var fp []byte
	if caps := jsonwire.ValueAt(st.capabilities(), "tools"); caps != nil {
		var meta map[string]any
		if st.modernOnly() {
			meta = map[string]any{metaVersion: statelessVersion, metaCaps: hubCapabilities, metaInfo: info}
		}
		list, err := h.listAllTools(ctx, conn, pumpDone, wait, meta)
		if err != nil {
			return handshakeError(err)
		}
		if list != nil {
			// Before any client's call can reach this process: a tool changed since the
			// last one is blocked for review now, not when a client lists tools again.
			h.checkTools(list)
			fp = toolsFingerprint(list.tools)
		}
	}
	h.mu.Lock()
	changed := h.tools != nil && fp != nil && !bytes.Equal(h.tools, fp)
	if fp != nil {
		h.tools = fp
	}
	st.early, h.early = h.early, nil
	h.state = st
	h.wakeLocked()
	var told []*member // clients already initialized: they hear the early changes now
	if len(st.early) > 0 {
		for m := range h.members {
			if m.initialized {
				told = append(told, m)
			}
		}
	}
	uris := make([]string, 0, len(h.subs))
	for uri := range h.subs {
		uris = append(uris, uri)
	}
	level := h.minLevelLocked()
	h.levelSent = ""
	if level >= 0 && !st.modernOnly() {
		h.levelSent = logLevels[level]
	}
	h.mu.Unlock()
	// A restarted server knows nothing of what clients asked of the one before.
	if st.modernOnly() {
		h.relisten(st) // list changes and resource updates come on a stream of the hub's
	} else {
		for _, uri := range uris {
			h.tell(st, "resources/subscribe", map[string]string{"uri": uri})
		}
		if level >= 0 {
			h.tell(st, "logging/setLevel", map[string]string{"level": logLevels[level]})
		}
	}
	for _, m := range told {
		for _, note := range st.early {
			m.send(note)
		}
	}
	if changed && !st.announced("notifications/tools/list_changed") {
		for _, m := range h.snapshot() {
			m.send([]byte(`{"jsonrpc":"2.0","method":"notifications/tools/list_changed"}` + "\n"))
		}
	}
	return nil
}

// announced reports whether the server announced a change of kind method during the handshake.
func (st *hubState) announced(method string) bool {
	for _, note := range st.early {
		if jsonwire.StringAt(note, "method") == method {
			return true
		}
	}
	return false
}

func handshakeError(err error) error {
	if err == ErrServerGone {
		return fmt.Errorf("the server stopped during the MCP handshake: %w", ErrServerGone)
	}
	return fmt.Errorf("during the MCP handshake: %w", err)
}

// capabilities returns the server's capabilities from whichever handshake it answered.
func (st *hubState) capabilities() []byte {
	if st.init != nil {
		return jsonwire.ValueAt(st.init, "capabilities")
	}
	return jsonwire.ValueAt(st.discover, "capabilities")
}

// supportedVersions lists what the server speaks: its own list from server/discover, or,
// for a legacy server, the version it answered initialize with and every older one (a legacy
// initialize names a single version; servers keep speaking the older ones).
func supportedVersions(st *hubState) []string {
	var out []string
	if st.discover != nil {
		var d struct {
			SupportedVersions []string `json:"supportedVersions"`
		}
		json.Unmarshal(st.discover, &d)
		out = d.SupportedVersions
	}
	if st.init != nil {
		v := jsonwire.StringAt(st.init, "protocolVersion")
		if !slices.Contains(out, v) && v != "" {
			out = append(out, v)
		}
		if st.discover == nil {
			for _, k := range knownVersions {
				if k < v && !slices.Contains(out, k) {
					out = append(out, k)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(b, a) })
	return out
}

// initializeFor answers a client's initialize asking for version: the server's own result
// with the version negotiated for this client, or a sentence refusing it when the server
// speaks no legacy version at all. It negotiates as the specification tells a server to: the
// version asked for when the server speaks it, otherwise the newest one it speaks, and the
// client decides whether it can go on with that.
func (h *Hub) initializeFor(st *hubState, version string) (json.RawMessage, string) {
	var legacy []string
	for _, v := range st.supported {
		if v < statelessVersion {
			legacy = append(legacy, v)
		}
	}
	if st.modernOnly() {
		return h.legacyInitialize(st, version), "" // bridged: see shared_eras.go
	}
	if st.init == nil || len(legacy) == 0 {
		return nil, fmt.Sprintf("The MCP server %q speaks only the newer MCP protocol (%s), which this app does not; an update of the app may help.", h.opts.Server, strings.Join(st.supported, ", "))
	}
	chosen := legacy[0]
	if slices.Contains(legacy, version) {
		chosen = version
	}
	q, _ := json.Marshal(chosen)
	if out := jsonwire.ReplaceAt(st.init, q, "protocolVersion"); out != nil {
		return out, ""
	}
	return st.init, ""
}

// discoverFor answers a client's server/discover asking for version ("" when it names none).
func (h *Hub) discoverFor(st *hubState, id json.RawMessage, version string) []byte {
	if st.discover == nil && st.init == nil {
		return errorObjectResponse(id, st.discoverErr)
	}
	if st.discover == nil { // a legacy server: bridged (see shared_modern.go)
		supported := append([]string{statelessVersion}, st.supported...)
		if version != "" && !slices.Contains(supported, version) {
			b, _ := json.Marshal(map[string]any{
				"code":    codeUnsupportedVersion,
				"message": fmt.Sprintf("The MCP server %q does not speak MCP version %s; it speaks %s.", h.opts.Server, version, strings.Join(supported, ", ")),
				"data":    map[string]any{"supported": supported, "requested": version},
			})
			return errorObjectResponse(id, b)
		}
		return resultResponse(id, h.discoverFromInitialize(st))
	}
	if version != "" && !slices.Contains(st.supported, version) {
		b, _ := json.Marshal(map[string]any{
			"code":    codeUnsupportedVersion,
			"message": fmt.Sprintf("The MCP server %q does not speak MCP version %s; it speaks %s.", h.opts.Server, version, strings.Join(st.supported, ", ")),
			"data":    map[string]any{"supported": st.supported, "requested": version},
		})
		return errorObjectResponse(id, b)
	}
	return resultResponse(id, st.discover)
}

func errorObjectResponse(id, errObj json.RawMessage) []byte {
	b, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   json.RawMessage `json:"error"`
	}{"2.0", id, errObj})
	return append(b, '\n')
}

func errorMessage(errObj json.RawMessage) string {
	if m := jsonwire.StringAt(errObj, "message"); m != "" {
		return m
	}
	return string(errObj)
}

// logLevels are the MCP log levels, least severe first.
var logLevels = []string{"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"}

// logRank is a level's place in logLevels; unknown levels rank as the most severe, so they
// are never filtered out.
func logRank(level string) int {
	if i := slices.Index(logLevels, level); i >= 0 {
		return i
	}
	return len(logLevels) - 1
}

// minLevelLocked is the lowest level any client asked for, or -1 when none asked.
func (h *Hub) minLevelLocked() int {
	min := -1
	for m := range h.members {
		if m.level >= 0 && (min < 0 || m.level < min) {
			min = m.level
		}
	}
	return min
}
