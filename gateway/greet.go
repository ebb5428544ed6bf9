package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// MCP Tray's own handshake with a server, as a client: the shared hub greets each process it
// serves, and the install check and the scanner greet the server whose tools they list. Both
// speak through Greet, so a server sees one client, with one protocol version
// (handshakeVersion), one identity and one set of capabilities, whoever asks.

// Asker sends a server one request of MCP Tray's own and waits for the answer: its result,
// or the raw error object the server answered with. err wraps ErrNoAnswer when no answer
// came within timeout; any other err (the server stopped, ctx ended) ends the handshake.
type Asker func(ctx context.Context, method string, params any, timeout time.Duration) (result, rpcErr json.RawMessage, err error)

// ErrNoAnswer is wrapped by an Asker's error when the server did not answer in time.
var ErrNoAnswer = errors.New("the server did not answer in time")

// ErrHandshakeRefused is wrapped by Greet's error when the server refused the handshake.
var ErrHandshakeRefused = errors.New("the server refused MCP Tray's handshake")

// GreetOptions tune Greet. The zero value greets as the hub does, without server/discover.
type GreetOptions struct {
	// Version is MCP Tray's version, sent in clientInfo; "" is "dev".
	Version string
	// Discover asks server/discover first, to learn whether the server speaks the modern era
	// too: the hub does, since it speaks to the server itself. A client behind the relay does
	// not need to: the relay bridges the eras for it (session_eras.go).
	Discover bool
	// DiscoverTimeout bounds the server/discover probe; 0 means 5 s. A legacy server that
	// ignores it is taken for legacy once it has passed.
	DiscoverTimeout time.Duration
	// Timeout bounds the server's answer to initialize; 0 means 60 s.
	Timeout time.Duration
}

// Greeting is what a server answered MCP Tray's handshake with.
type Greeting struct {
	Init        json.RawMessage // the initialize result; nil when the server refused initialize
	Discover    json.RawMessage // the server/discover result; nil when it has none or was not asked
	DiscoverErr json.RawMessage // the error server/discover was answered with (Discover nil)
}

// clientInfo is MCP Tray's identity in its own handshakes.
func clientInfo(version string) map[string]string {
	if version == "" {
		version = "dev"
	}
	return map[string]string{"name": "MCP Tray", "version": version}
}

// Greet performs MCP Tray's handshake with a server through ask: server/discover when
// o.Discover, then initialize at handshakeVersion with hubCapabilities, and, when the server
// accepted it, notifications/initialized through tell (a write that fails shows in the next
// request). It returns what the server answered.
// The error wraps ErrHandshakeRefused when the server refused initialize and had no
// server/discover answer either (the Greeting still holds what it said), or is ask's when a
// request could not be answered. It blocks until the handshake is done.
func Greet(ctx context.Context, ask Asker, tell func(msg []byte), o GreetOptions) (Greeting, error) {
	var g Greeting
	info := clientInfo(o.Version)
	if o.Discover {
		wait := o.DiscoverTimeout
		if wait <= 0 {
			wait = 5 * time.Second
		}
		meta := map[string]any{"_meta": map[string]any{
			metaVersion: statelessVersion,
			metaInfo:    info,
			metaCaps:    hubCapabilities,
		}}
		res, rpcErr, err := ask(ctx, "server/discover", meta, wait)
		switch {
		case err != nil && !errors.Is(err, ErrNoAnswer):
			return g, err
		case err != nil: // ignored the probe: a legacy server
			g.DiscoverErr = json.RawMessage(`{"code":-32601,"message":"Method not found"}`)
		case rpcErr != nil:
			g.DiscoverErr = rpcErr
		default:
			g.Discover = res
		}
	}
	wait := o.Timeout
	if wait <= 0 {
		wait = 60 * time.Second
	}
	res, rpcErr, err := ask(ctx, "initialize", map[string]any{
		"protocolVersion": handshakeVersion, "capabilities": hubCapabilities, "clientInfo": info}, wait)
	switch {
	case err != nil:
		return g, err
	case rpcErr != nil && g.Discover == nil:
		return g, fmt.Errorf("%w: %s", ErrHandshakeRefused, errorMessage(rpcErr))
	case rpcErr == nil:
		g.Init = res
		tell([]byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n"))
	}
	return g, nil
}
