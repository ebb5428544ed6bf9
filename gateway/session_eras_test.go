package gateway

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"time"
)

// Session mode bridges the two protocol eras against a scripted server: every message on
// both sides can be seen. test/eras runs the same through the real binary with SDK clients.

// auditGate allows every call and records what it decided and how each call ended.
type auditGate struct {
	mu       sync.Mutex
	calls    []string
	outcomes []CallOutcome
	finished chan struct{} // one per finished call
}

func (g *auditGate) Call(s *Session, tool string, _ json.RawMessage) CallVerdict {
	g.mu.Lock()
	g.calls = append(g.calls, tool)
	g.mu.Unlock()
	return CallVerdict{Allow: true, Finished: func(o CallOutcome, _ time.Duration) {
		g.mu.Lock()
		g.outcomes = append(g.outcomes, o)
		g.mu.Unlock()
		g.finished <- struct{}{}
	}}
}
func (g *auditGate) Tools(s *Session, result json.RawMessage, _ bool) json.RawMessage { return result }
func (g *auditGate) Refused(*Session, string, json.RawMessage, string)                {}
func (g *auditGate) End(*Session)                                                     {}

// seen returns what the gate saw once n calls finished.
func (g *auditGate) seen(t *testing.T, n int) (calls []string, outcomes []CallOutcome) {
	t.Helper()
	for range n {
		select {
		case <-g.finished:
		case <-time.After(10 * time.Second):
			t.Fatal("no call finished within 10 s")
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.calls...), append([]CallOutcome(nil), g.outcomes...)
}

// relayOnly starts a session relay to a scripted server without any handshake; it returns
// the server's script, the client's peer, and the eras the relay reported.
func relayOnly(t *testing.T, g Gate, opts Options) (*script, *peer, chan Era) {
	t.Helper()
	srv := newScript(t)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	cli := newPeer(t, inW, outR)
	eras := make(chan Era, 4)
	opts.Gate = g
	opts.Hooks.Era = func(_ *Session, e Era) { eras <- e }
	done := make(chan error, 1)
	go func() {
		done <- Relay(context.Background(), &Session{ID: "s", Server: "script"}, outW, bufio.NewReader(inR), srv.up, opts)
		outW.Close()
	}()
	t.Cleanup(func() {
		inW.Close()
		<-done
	})
	return srv, cli, eras
}

func TestSessionLegacyClientOnModernOnlyServer(t *testing.T) {
	for _, known := range []Era{EraUnknown, EraModern} {
		t.Run("known="+string(known), func(t *testing.T) {
			g := &auditGate{finished: make(chan struct{}, 10)}
			srv, cli, eras := relayOnly(t, g, Options{ServerEra: known})
			cli.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"elicitation":{}},"clientInfo":{"name":"legacy","version":"1"}}}`)
			if known == EraUnknown {
				i := srv.next("the client's initialize", isMethod("initialize"))
				srv.send(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32022,"message":"only 2026-07-28"}}`, i.str("id"))
			}
			d := srv.next("server/discover", isMethod("server/discover"))
			if d.str("params", "_meta", metaVersion) != statelessVersion || d.str("params", "_meta", metaCaps) != `{"elicitation":{}}` {
				t.Errorf("server/discover carried %v; want the version and the client's capabilities", d.str("params", "_meta"))
			}
			srv.send(`{"jsonrpc":"2.0","id":%q,"result":{"supportedVersions":["2026-07-28"],"capabilities":{"tools":{}},"_meta":{"io.modelcontextprotocol/serverInfo":{"name":"modern","version":"2"}}}}`, d.str("id"))
			init := cli.next("the initialize answer", isID("0"))
			if init.str("result", "protocolVersion") != "2025-06-18" || init.str("result", "serverInfo", "name") != "modern" {
				t.Fatalf("initialize answered %v", init)
			}
			if known == EraUnknown {
				if e := <-eras; e != EraModern {
					t.Errorf("the relay reported %q; want modern", e)
				}
			}
			cli.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
			cli.send(`{"jsonrpc":"2.0","id":1,"method":"ping"}`)
			cli.next("the ping's answer", isID("1"))

			cli.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"greet","arguments":{},"_meta":{"progressToken":"p"}}}`)
			c := srv.next("the call", isMethod("tools/call"))
			if c.str("params", "_meta", "progressToken") != "p" || c.str("params", "_meta", metaVersion) != statelessVersion ||
				c.str("params", "_meta", metaInfo, "name") != "legacy" {
				t.Errorf("the call reached the server with _meta %s", c.str("params", "_meta"))
			}
			srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","requestState":{"opaque":[1,2]},"inputRequests":{"who":{"method":"elicitation/create","params":{"message":"Name?","requestedSchema":{"type":"object"}}}}}}`, c.str("id"))
			e := cli.next("the elicitation", isMethod("elicitation/create"))
			if e.str("params", "message") != "Name?" {
				t.Errorf("elicitation: %v", e)
			}
			cli.send(`{"jsonrpc":"2.0","id":%q,"result":{"action":"accept","content":{"name":"Ada"}}}`, e.str("id"))
			retry := srv.next("the retry", isMethod("tools/call"))
			if retry.str("id") == c.str("id") || retry.str("params", "requestState") != `{"opaque":[1,2]}` ||
				retry.str("params", "inputResponses", "who", "content", "name") != "Ada" || retry.str("params", "name") != "greet" {
				t.Errorf("the retry was %v", retry)
			}
			srv.send(`{"jsonrpc":"2.0","id":%q,"result":{"content":[{"type":"text","text":"Hello Ada"}]}}`, retry.str("id"))
			a := cli.next("the call's answer", isID("2"))
			if !strings.Contains(a.str("result"), "Hello Ada") {
				t.Errorf("the call was answered %v", a)
			}
			if calls, outcomes := g.seen(t, 1); len(calls) != 1 || len(outcomes) != 1 || outcomes[0] != CallOK {
				t.Errorf("the gate decided %v with outcomes %v; want one call, one outcome", calls, outcomes)
			}
		})
	}
}

func TestSessionModernClientOnLegacyServer(t *testing.T) {
	g := &auditGate{finished: make(chan struct{}, 10)}
	srv, cli, eras := relayOnly(t, g, Options{})
	cli.send(`{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"elicitation":{}},"io.modelcontextprotocol/clientInfo":{"name":"modern","version":"1"}}}}`)
	d := srv.next("the client's server/discover", isMethod("server/discover"))
	srv.send(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32601,"message":"Method not found"}}`, d.str("id"))
	i := srv.next("MCP Tray's initialize", isMethod("initialize"))
	if i.str("params", "capabilities") != `{"elicitation":{}}` || i.str("params", "clientInfo", "name") != "modern" {
		t.Errorf("initialize: %v", i)
	}
	srv.send(`{"jsonrpc":"2.0","id":%q,"result":{"protocolVersion":"2025-11-25","capabilities":{"tools":{}},"serverInfo":{"name":"legacy","version":"1"}}}`, i.str("id"))
	srv.next("initialized", isMethod("notifications/initialized"))
	res := cli.next("the discover answer", isID("1"))
	if res.str("result", "supportedVersions") != `["2026-07-28","2025-11-25"]` || res.str("result", "_meta", "io.modelcontextprotocol/serverInfo", "name") != "legacy" {
		t.Fatalf("server/discover answered %v", res)
	}
	if e := <-eras; e != EraLegacy {
		t.Errorf("the relay reported %q; want legacy", e)
	}
	cli.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"ask","arguments":{}}}`)
	c := srv.next("the call", isMethod("tools/call"))
	srv.send(`{"jsonrpc":"2.0","id":"e1","method":"elicitation/create","params":{"message":"Name?","requestedSchema":{"type":"object"}}}`)
	ir := cli.next("the input_required answer", isID("2"))
	state := ir.str("result", "requestState")
	if ir.str("result", "resultType") != "input_required" || ir.str("result", "inputRequests", inputKey, "method") != "elicitation/create" || state == "" {
		t.Fatalf("the call was answered %v", ir)
	}
	// The server answers the call before the client retries: the answer waits for the retry.
	cli.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"ask","arguments":{},"requestState":%q,"inputResponses":{"mcptray":{"action":"accept","content":{"name":"Ada"}}}}}`, state)
	e := srv.next("the elicitation's answer", isID("e1"))
	if e.str("result", "content", "name") != "Ada" {
		t.Errorf("the server's elicitation was answered %v", e)
	}
	srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[{"type":"text","text":"Hello Ada"}]}}`, c.str("id"))
	a := cli.next("the retry's answer", isID("3"))
	if !strings.Contains(a.str("result"), "Hello Ada") {
		t.Errorf("the retry was answered %v", a)
	}
	// A made-up state is refused and never reaches the server or the gate.
	cli.send(`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"ask","arguments":{},"requestState":"mcptray-state-99","inputResponses":{}}}`)
	if m := cli.next("the refusal", isID("4")); m.str("error", "message") == "" {
		t.Errorf("a made-up state was answered %v", m)
	}
	srv.none("a forwarded retry", 200*time.Millisecond, isMethod("tools/call"))
	if calls, outcomes := g.seen(t, 1); len(calls) != 1 || len(outcomes) != 1 || outcomes[0] != CallOK {
		t.Errorf("the gate decided %v with outcomes %v; want one call, one outcome", calls, outcomes)
	}
}

// A session of one era is a pass-through: the handshake's answer reaches the client as it is,
// and nothing is added to later requests.
func TestSessionSameEraIsPassThrough(t *testing.T) {
	srv, cli, eras := relayOnly(t, nil, Options{})
	cli.send(`{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}`)
	srv.next("server/discover", isMethod("server/discover"))
	srv.send(`{"jsonrpc":"2.0","id":1,"result":{"supportedVersions":["2026-07-28"],"capabilities":{}}}`)
	if got := cli.next("the answer", isID("1")); got.str("result", "supportedVersions") != `["2026-07-28"]` {
		t.Errorf("server/discover was answered %v", got)
	}
	cli.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"a","arguments":{}}}`)
	c := srv.next("the call", isMethod("tools/call"))
	if c.str("params", "_meta") != "" {
		t.Errorf("a modern client's call on a modern server was changed: %v", c)
	}
	select {
	case e := <-eras:
		t.Errorf("the relay reported era %q for a session of one era", e)
	default:
	}
}

// A request id 5.0 answered as 5 is the same request: the client gets one answer, under its
// own id, and no made-up error for it when the session ends.
func TestSessionIDAnsweredReSpelled(t *testing.T) {
	srv := newScript(t)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	cli := newPeer(t, inW, outR)
	done := make(chan error, 1)
	go func() {
		done <- Relay(context.Background(), &Session{ID: "s", Server: "script"}, outW, bufio.NewReader(inR), srv.up, Options{})
		outW.Close()
	}()
	cli.send(`{"jsonrpc":"2.0","id":5.0,"method":"tools/list"}`)
	srv.next("tools/list", isMethod("tools/list"))
	srv.send(`{"jsonrpc":"2.0","id":5,"result":{"tools":[]}}`)
	var answers []msg
	answers = append(answers, cli.next("the answer", func(m msg) bool { return m.str("method") == "" }))
	inW.Close()
	<-done
	for m := range cli.lines {
		answers = append(answers, m)
	}
	if len(answers) != 1 || answers[0].str("result") != `{"tools":[]}` {
		t.Errorf("the client got %v; want one answer", answers)
	}
}

// A server remembered as modern-only that now speaks initialize (it was updated) gets the
// client's own handshake after all, and the daemon is told to forget what it remembered.
func TestSessionRememberedEraWasWrong(t *testing.T) {
	srv, cli, eras := relayOnly(t, nil, Options{ServerEra: EraModern})
	cli.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"legacy","version":"1"}}}`)
	d := srv.next("server/discover", isMethod("server/discover"))
	srv.send(`{"jsonrpc":"2.0","id":%q,"error":{"code":-32601,"message":"Method not found"}}`, d.str("id"))
	i := srv.next("the client's own initialize", isMethod("initialize"))
	srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"protocolVersion":"2025-11-25","capabilities":{},"serverInfo":{"name":"updated","version":"2"}}}`, i.str("id"))
	if a := cli.next("the initialize answer", isID("0")); a.str("result", "serverInfo", "name") != "updated" {
		t.Errorf("initialize answered %v", a)
	}
	if e := <-eras; e != EraUnknown {
		t.Errorf("the relay reported %q; want the remembered era forgotten", e)
	}
	cli.send(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","arguments":{}}}`)
	if c := srv.next("the call", isMethod("tools/call")); c.str("params", "_meta") != "" {
		t.Errorf("the call was changed: %v", c)
	}
}

// approveGate asks the person (approves at once) for every call and records how each ended.
type approveGate struct{ auditGate }

func (g *approveGate) Call(s *Session, tool string, args json.RawMessage) CallVerdict {
	v := g.auditGate.Call(s, tool, args)
	return CallVerdict{Ask: func(context.Context) CallVerdict { return v }}
}

// A modern client on a modern server retries by itself: the retry of an approved call with
// the request state the server gave it is not asked again, and the call is recorded once,
// with its final outcome. A retry with other arguments is a new call.
func TestSessionModernRetryIsNotAskedAgain(t *testing.T) {
	g := &approveGate{auditGate{finished: make(chan struct{}, 10)}}
	srv, cli, _ := relayOnly(t, g, Options{})
	cli.send(`{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}`)
	d := srv.next("server/discover", isMethod("server/discover"))
	srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"supportedVersions":["2026-07-28"],"capabilities":{"tools":{}}}}`, d.str("id"))
	cli.next("the discover answer", isID("1"))
	cli.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"greet","arguments":{"a":1}}}`)
	c := srv.next("the call", isMethod("tools/call"))
	srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","requestState":"s1","inputRequests":{"n":{"method":"elicitation/create","params":{}}}}}`, c.str("id"))
	cli.next("input_required", isID("2"))
	cli.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"greet","arguments":{"a":1},"requestState":"s1","inputResponses":{"n":{"action":"accept"}}}}`)
	retry := srv.next("the retry", isMethod("tools/call"))
	srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"content":[],"isError":true}}`, retry.str("id"))
	cli.next("the retry's answer", isID("3"))
	if calls, outcomes := g.seen(t, 1); len(calls) != 1 || len(outcomes) != 1 || outcomes[0] != CallToolError {
		t.Errorf("the gate decided %v with outcomes %v; want one decision and the retry's outcome", calls, outcomes)
	}
	// The state was used: the same retry again, or with other arguments, is a new call.
	cli.send(`{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"greet","arguments":{"a":1},"requestState":"s1"}}`)
	srv.next("the new call", isMethod("tools/call"))
	if calls, _ := g.seen(t, 0); len(calls) != 2 {
		t.Errorf("a reused request state was not decided again: %v", calls)
	}
}

// A legacy client's subscriptions on a modern-only server become MCP Tray's listen stream;
// what arrives on it reaches the client. Its log level goes with each request.
func TestSessionLegacySubscribeBecomesListen(t *testing.T) {
	srv, cli, _ := relayOnly(t, nil, Options{ServerEra: EraModern})
	cli.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"legacy","version":"1"}}}`)
	d := srv.next("server/discover", isMethod("server/discover"))
	srv.send(`{"jsonrpc":"2.0","id":%q,"result":{"supportedVersions":["2026-07-28"],"capabilities":{"tools":{"listChanged":true},"resources":{"subscribe":true}}}}`, d.str("id"))
	cli.next("the initialize answer", isID("0"))
	l := srv.next("the listen stream", isMethod("subscriptions/listen"))
	if l.str("params", "notifications") != `{"toolsListChanged":true}` {
		t.Errorf("listened for %s", l.str("params", "notifications"))
	}
	cli.send(`{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"file:///a"}}`)
	cli.next("the subscribe answer", isID("1"))
	if c := srv.next("the old stream's end", isMethod("notifications/cancelled")); c.str("params", "requestId") != l.str("id") {
		t.Errorf("cancelled %v; want the first stream", c)
	}
	l2 := srv.next("the new listen stream", isMethod("subscriptions/listen"))
	if l2.str("params", "notifications", "resourceSubscriptions") != `["file:///a"]` {
		t.Errorf("listened for %s", l2.str("params", "notifications"))
	}
	srv.send(`{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"file:///a"}}`)
	cli.next("the update", isMethod("notifications/resources/updated"))
	cli.send(`{"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"error"}}`)
	cli.next("the setLevel answer", isID("2"))
	cli.send(`{"jsonrpc":"2.0","id":3,"method":"tools/list"}`)
	if m := srv.next("tools/list", isMethod("tools/list")); m.str("params", "_meta", metaLogLevel) != "error" {
		t.Errorf("tools/list reached the server with _meta %s", m.str("params", "_meta"))
	}
}

// A modern client's subscriptions/listen on a legacy server becomes resources/subscribe; the
// server's updates reach it tagged with the stream, and cancelling the stream unsubscribes.
func TestSessionModernListenBecomesSubscribe(t *testing.T) {
	srv, cli, _ := relayOnly(t, nil, Options{ServerEra: EraLegacy})
	cli.send(`{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}`)
	i := srv.next("initialize", isMethod("initialize"))
	srv.send(`{"jsonrpc":"2.0","id":%q,"result":{"protocolVersion":"2025-11-25","capabilities":{"resources":{"subscribe":true}},"serverInfo":{"name":"legacy","version":"1"}}}`, i.str("id"))
	cli.next("the discover answer", isID("1"))
	cli.send(`{"jsonrpc":"2.0","id":"listen-1","method":"subscriptions/listen","params":{"notifications":{"resourceSubscriptions":["file:///a"]}}}`)
	if s := srv.next("resources/subscribe", isMethod("resources/subscribe")); s.str("params", "uri") != "file:///a" {
		t.Errorf("subscribed %v", s)
	}
	srv.send(`{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"file:///a"}}`)
	if u := cli.next("the update", isMethod("notifications/resources/updated")); u.str("params", "_meta", "io.modelcontextprotocol/subscriptionId") != "listen-1" {
		t.Errorf("the update came as %v", u)
	}
	cli.send(`{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/logLevel":"warning"}}}`)
	if l := srv.next("logging/setLevel", isMethod("logging/setLevel")); l.str("params", "level") != "warning" {
		t.Errorf("the server was told %v", l)
	}
	srv.next("tools/list", isMethod("tools/list"))
	cli.send(`{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/logLevel":"warning"}}}`)
	srv.next("tools/list", isMethod("tools/list"))
	srv.send(`{"jsonrpc":"2.0","id":"ping-1","method":"ping"}`)
	srv.next("the ping's answer", isID("ping-1"))
	cli.send(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"listen-1"}}`)
	if s := srv.next("resources/unsubscribe", isMethod("resources/unsubscribe")); s.str("params", "uri") != "file:///a" {
		t.Errorf("unsubscribed %v", s)
	}
}

// A legacy client that cancels a call MCP Tray retried for it cancels the retry at the server;
// one that cancels while its input is awaited cancels nothing there, and the call is recorded
// as not run.
func TestSessionLegacyCancelFollowsTheRetry(t *testing.T) {
	g := &auditGate{finished: make(chan struct{}, 10)}
	srv, cli, _ := relayOnly(t, g, Options{ServerEra: EraModern})
	cli.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{}},"clientInfo":{"name":"legacy","version":"1"}}}`)
	d := srv.next("server/discover", isMethod("server/discover"))
	srv.send(`{"jsonrpc":"2.0","id":%q,"result":{"supportedVersions":["2026-07-28"],"capabilities":{"tools":{}}}}`, d.str("id"))
	cli.next("the initialize answer", isID("0"))
	ask := `{"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","inputRequests":{"who":{"method":"elicitation/create","params":{"message":"Name?"}}}}}`
	cli.send(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"greet","arguments":{}}}`)
	c := srv.next("the call", isMethod("tools/call"))
	srv.send(ask, c.str("id"))
	e := cli.next("the elicitation", isMethod("elicitation/create"))
	cli.send(`{"jsonrpc":"2.0","id":%q,"result":{"action":"accept","content":{"name":"Ada"}}}`, e.str("id"))
	retry := srv.next("the retry", isMethod("tools/call"))
	cli.send(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}}`)
	if n := srv.next("the cancellation", isMethod("notifications/cancelled")); n.str("params", "requestId") != retry.str("id") {
		t.Errorf("the server was told to cancel %v; want the retry %s", n.str("params", "requestId"), retry.str("id"))
	}
	srv.send(`{"jsonrpc":"2.0","id":%q,"error":{"code":-32800,"message":"cancelled"}}`, retry.str("id"))
	g.seen(t, 1)

	cli.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"greet","arguments":{}}}`)
	c = srv.next("the second call", isMethod("tools/call"))
	srv.send(ask, c.str("id"))
	cli.next("the second elicitation", isMethod("elicitation/create"))
	cli.send(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":3}}`)
	if _, outcomes := g.seen(t, 1); len(outcomes) != 2 || outcomes[1] != CallNotRun {
		t.Errorf("outcomes %v; want the call cancelled while its input was awaited recorded as not run", outcomes)
	}
	srv.none("a cancellation of a call not running at the server", 200*time.Millisecond, isMethod("notifications/cancelled"))
}

// A server that refuses the client's handshake and ignores MCP Tray's in the other era still
// lets the client hear why; a legacy server that ignores a modern client's server/discover is
// initialized all the same.
func TestSessionIgnoredHandshakes(t *testing.T) {
	old := discoverWait
	discoverWait = 100 * time.Millisecond
	t.Cleanup(func() { discoverWait = old })

	srv, cli, _ := relayOnly(t, nil, Options{})
	cli.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"legacy","version":"1"}}}`)
	i := srv.next("initialize", isMethod("initialize"))
	srv.send(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32603,"message":"broken"}}`, i.str("id"))
	srv.next("server/discover", isMethod("server/discover")) // never answered
	if a := cli.next("the refusal", isID("0")); a.str("error", "message") != "broken" {
		t.Errorf("the client got %v; want the server's own refusal", a)
	}

	srv, cli, eras := relayOnly(t, nil, Options{})
	cli.send(`{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}`)
	srv.next("server/discover", isMethod("server/discover")) // ignored, as old servers do
	i = srv.next("initialize", isMethod("initialize"))
	srv.send(`{"jsonrpc":"2.0","id":%q,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"old","version":"1"}}}`, i.str("id"))
	if a := cli.next("the discover answer", isID("1")); a.str("result", "supportedVersions") != `["2026-07-28","2025-06-18"]` {
		t.Errorf("server/discover answered %v", a)
	}
	if e := <-eras; e != EraLegacy {
		t.Errorf("reported %q", e)
	}
}

// A server that refuses the client's handshake and ends before it answers MCP Tray's in the
// other era: the client still hears the server's refusal, at once, not never (red team).
func TestSessionServerEndsDuringTheOtherEraHandshake(t *testing.T) {
	srv, cli, _ := relayOnly(t, nil, Options{})
	cli.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"legacy","version":"1"}}}`)
	i := srv.next("initialize", isMethod("initialize"))
	srv.send(`{"jsonrpc":"2.0","id":%s,"error":{"code":-32603,"message":"broken"}}`, i.str("id"))
	srv.next("server/discover", isMethod("server/discover"))
	srv.up.Stop() // the server's output ends
	if a := cli.next("the refusal", isID("0")); a.str("error", "message") != "broken" {
		t.Errorf("the client got %v; want the server's own refusal", a)
	}

	// A modern client whose server/discover the server ignored, then the server ended before
	// answering MCP Tray's initialize: told the server stopped.
	old := discoverWait
	discoverWait = 100 * time.Millisecond
	t.Cleanup(func() { discoverWait = old })
	srv, cli, _ = relayOnly(t, nil, Options{})
	cli.send(`{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{}}`)
	srv.next("server/discover", isMethod("server/discover"))
	srv.next("initialize", isMethod("initialize"))
	srv.up.Stop()
	if a := cli.next("the answer", isID("1")); !strings.Contains(a.str("error", "message"), "stopped") {
		t.Errorf("the client got %v; want that the server stopped", a)
	}
}

// denyGate allows every tool but deny, which it refuses.
type denyGate struct{ deny string }

func (g denyGate) Call(_ *Session, tool string, _ json.RawMessage) CallVerdict {
	if tool == g.deny {
		return CallVerdict{Message: "denied by rule"}
	}
	return CallVerdict{Allow: true}
}
func (denyGate) Tools(_ *Session, result json.RawMessage, _ bool) json.RawMessage { return result }
func (denyGate) Refused(*Session, string, json.RawMessage, string)                {}
func (denyGate) End(*Session)                                                     {}

// A legacy client on a modern-only server sends an allowed call and, under the same id while
// it runs, a denied one: the duplicate is refused, and the retry after the person's input is
// the allowed call's, never the denied one's (found by red-teaming: the era bridge had kept
// the refused duplicate's line as the one to send again).
func TestSessionLegacyDuplicateIDNeverRetriesTheRefusedCall(t *testing.T) {
	srv, cli := legacyOnModernOnly(t, denyGate{deny: "echo"})
	cli.send(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"greet","arguments":{}}}`)
	c := srv.next("the allowed call", isMethod("tools/call"))
	cli.send(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","arguments":{"text":"DENIED TOOL RAN"}}}`)
	if dup := cli.next("the duplicate's refusal", isID("9")); dup.str("error", "code") == "" {
		t.Fatalf("the duplicate id was answered %v; want an error", dup)
	}
	srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","inputRequests":{"who":{"method":"elicitation/create","params":{"message":"Name?"}}}}}`, c.str("id"))
	e := cli.next("the elicitation", isMethod("elicitation/create"))
	cli.send(`{"jsonrpc":"2.0","id":%q,"result":{"action":"accept","content":{"name":"Ada"}}}`, e.str("id"))
	retry := srv.next("the retry", isMethod("tools/call"))
	if name := retry.str("params", "name"); name != "greet" || strings.Contains(retry.str("params"), "DENIED") {
		t.Fatalf("the retry sent %s to the server; want the allowed greet call", retry.str("params"))
	}
}

// askDenyGate holds the tool ask for the person, who allows it; it denies the tool deny and
// allows every other at once.
type askDenyGate struct {
	denyGate
	ask string
}

func (g askDenyGate) Call(s *Session, tool string, args json.RawMessage) CallVerdict {
	v := g.denyGate.Call(s, tool, args)
	if tool != g.ask {
		return v
	}
	return CallVerdict{Ask: func(context.Context) CallVerdict { return v }}
}

// A duplicate id that arrives after the person allowed a held call and before the relay
// forwards it is refused, and the era bridge's retry of the allowed call is still that call
// (review: the line to send again was kept under the client's id, and the duplicate replaced
// it; then, an allowed duplicate in that moment was forwarded beside the held call).
func TestSessionLegacyDuplicateBetweenApprovalAndForwarding(t *testing.T) {
	srv, cli := legacyOnModernOnly(t, askDenyGate{denyGate{deny: "echo"}, "greet"})
	testHookDecided = func() {
		testHookDecided = nil
		for _, tool := range []string{"echo", "quick"} { // denied, then allowed at once
			cli.send(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":%q,"arguments":{"text":"DUPLICATE RAN"}}}`, tool)
			if dup := cli.next("the duplicate's refusal", isID("9")); dup.str("error", "code") == "" {
				t.Errorf("the duplicate %s was answered %v; want an error", tool, dup)
			}
		}
	}
	t.Cleanup(func() { testHookDecided = nil })
	cli.send(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"greet","arguments":{}}}`)
	c := srv.next("the allowed call", isMethod("tools/call"))
	if name := c.str("params", "name"); name != "greet" {
		t.Fatalf("the server got %s first; want the held greet call alone", c.str("params"))
	}
	srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","inputRequests":{"who":{"method":"elicitation/create","params":{"message":"Name?"}}}}}`, c.str("id"))
	e := cli.next("the elicitation", isMethod("elicitation/create"))
	cli.send(`{"jsonrpc":"2.0","id":%q,"result":{"action":"accept","content":{"name":"Ada"}}}`, e.str("id"))
	retry := srv.next("the retry", isMethod("tools/call"))
	if name := retry.str("params", "name"); name != "greet" || strings.Contains(retry.str("params"), "DUPLICATE") {
		t.Fatalf("the retry sent %s to the server; want the allowed greet call", retry.str("params"))
	}
}

// A client cannot take the id of the relay's retry first (the third id the relay makes in this
// session would be "mcptray-retry-3"): its own request under that id and the retry of its
// held-for-input call each get their own answer (review: the retry's id was predictable, and
// its entry replaced the client's).
func TestSessionLegacyRetryIDIsNotTheClients(t *testing.T) {
	srv, cli := legacyOnModernOnly(t, denyGate{deny: "echo"})
	cli.send(`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"greet","arguments":{}}}`)
	c := srv.next("the call", isMethod("tools/call"))
	srv.send(`{"jsonrpc":"2.0","id":%s,"result":{"resultType":"input_required","inputRequests":{"who":{"method":"elicitation/create","params":{"message":"Name?"}}}}}`, c.str("id"))
	e := cli.next("the elicitation", isMethod("elicitation/create"))
	cli.send(`{"jsonrpc":"2.0","id":"mcptray-retry-3","method":"tools/call","params":{"name":"quick","arguments":{}}}`)
	q := srv.next("the client's own call", isMethod("tools/call"))
	cli.send(`{"jsonrpc":"2.0","id":%q,"result":{"action":"accept","content":{"name":"Ada"}}}`, e.str("id"))
	retry := srv.next("the retry", isMethod("tools/call"))
	if retry.str("id") == q.str("id") {
		t.Fatalf("the retry went to the server under the client's own id %s", q.str("id"))
	}
	srv.send(`{"jsonrpc":"2.0","id":%q,"result":{"content":[{"type":"text","text":"GREET"}]}}`, retry.str("id"))
	if a := cli.next("the greet answer", isID("9")); !strings.Contains(a.str("result"), "GREET") {
		t.Errorf("the client's call 9 was answered %v; want GREET", a)
	}
	srv.send(`{"jsonrpc":"2.0","id":%q,"result":{"content":[{"type":"text","text":"QUICK"}]}}`, q.str("id"))
	if a := cli.next("the quick answer", isID("mcptray-retry-3")); !strings.Contains(a.str("result"), "QUICK") {
		t.Errorf("the client's call mcptray-retry-3 was answered %v; want QUICK", a)
	}
}

// legacyOnModernOnly is a relay between a legacy client (it can answer elicitations) and a
// modern-only server, in session mode, once the client's initialize has been answered from
// the server's server/discover.
func legacyOnModernOnly(t *testing.T, g Gate) (*script, *peer) {
	t.Helper()
	srv, cli, _ := relayOnly(t, g, Options{ServerEra: EraModern})
	cli.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"elicitation":{}},"clientInfo":{"name":"legacy","version":"1"}}}`)
	d := srv.next("server/discover", isMethod("server/discover"))
	srv.send(`{"jsonrpc":"2.0","id":%q,"result":{"supportedVersions":["2026-07-28"],"capabilities":{"tools":{}}}}`, d.str("id"))
	cli.next("the initialize answer", isID("0"))
	return srv, cli
}
