package gateway

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// A client that names a member twice, or spells one in another case, must not get another
// client's answer: the hub rewrites one "id" while the server may read another (the last one
// or, decoding with encoding/json, one spelled in any case).
func TestHubRefusesAmbiguousClientMessages(t *testing.T) {
	h := newTestHub(nil)
	defer h.Close()
	s, a, b := serveTwo(t, h)
	b.send(`{"jsonrpc":"2.0","id":"b1","method":"resources/read","params":{"uri":"file:///b"}}`)
	bRead := s.next("b's read", isMethod("resources/read"))
	bHub := bRead.str("id") // the id the server answers b under
	// a has a read of its own running, so that a cancellation can name it.
	a.send(`{"jsonrpc":"2.0","id":"a0","method":"resources/read","params":{"uri":"file:///a0"}}`)
	s.next("a's own read", isMethod("resources/read"))

	for _, tc := range []struct {
		what, msg string
		answerID  string // the id a's refusal carries ("null" for none); "" for a notification, which gets no answer
	}{
		{"a second id (the review's trigger)", `{"jsonrpc":"2.0","id":"a1","method":"resources/read","params":{"uri":"file:///a"},"id":%s}`, "null"},
		{"a second id in another case", `{"jsonrpc":"2.0","id":"a2","method":"resources/read","params":{"uri":"file:///a"},"ID":%s}`, "null"},
		{"a second id spelled with an escape", `{"jsonrpc":"2.0","id":"a3","method":"resources/read","params":{"uri":"file:///a"},"\u0069d":%s}`, "null"},
		{"a second method", `{"jsonrpc":"2.0","id":"a4","method":"ping","method":"resources/read","params":{"uri":"file:///a%s"}}`, "a4"},
		{"a second params", `{"jsonrpc":"2.0","id":"a5","method":"resources/read","params":{"uri":"file:///a"},"Params":{"uri":"file:///a%s"}}`, "a5"},
		{"a progress token twice", `{"jsonrpc":"2.0","id":"a6","method":"resources/read","params":{"uri":"file:///a","_meta":{"progressToken":1,"progressToken":%s}}}`, "a6"},
		{"an id only in another case (a notification to the hub, a request to the server)", `{"jsonrpc":"2.0","method":"resources/read","params":{"uri":"file:///a%s"},"Id":7}`, ""},
		{"a cancellation naming two requests", `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"a0","RequestId":%s}}`, ""},
	} {
		a.send(tc.msg, bHub)
		if tc.answerID == "" {
			continue
		}
		r := a.next("the refusal of "+tc.what, func(m msg) bool { return m.str("method") == "" })
		if r.str("error", "code") != fmt.Sprint(codeInvalidRequest) || fmt.Sprint(r["id"]) != strings.Replace(tc.answerID, "null", "<nil>", 1) {
			t.Errorf("%s: a got %v, want an invalid-request error with id %s", tc.what, r, tc.answerID)
		}
		if m := r.str("error", "message"); !strings.HasSuffix(m, ".") || strings.Count(m, ". ") > 0 || strings.Contains(m, "\n") {
			t.Errorf("%s: the refusal is not one plain sentence: %q", tc.what, m)
		}
	}
	// a's next request reaches the server; nothing a sent before it did.
	a.send(`{"jsonrpc":"2.0","id":"a-last","method":"resources/read","params":{"uri":"file:///last"}}`)
	for {
		m := s.next("a's last read", func(msg) bool { return true })
		if m.str("params", "uri") == "file:///last" {
			break
		}
		t.Errorf("the server got a message the hub should have refused: %v", m)
	}
	s.send(`{"jsonrpc":"2.0","id":%s,"result":{"contents":[{"uri":"file:///b","text":"for b"}]}}`, bHub)
	if r := b.next("b's answer", isID("b1")); r.str("result", "contents", "0", "text") != "for b" {
		t.Errorf("b got %v", r)
	}
	a.none("b's answer", 100*time.Millisecond, func(m msg) bool { return strings.Contains(m.str("result"), "for b") })
}

func TestAmbiguousMember(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want *ambiguity
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"a":1,"A":2,"a":3}}}`, nil}, // arguments are the tool's business
		{`{"jsonrpc":"2.0","id":1,"method":"x","params":{"_meta":{"progressToken":1,"other":{"k":1,"k":2}}}}`, nil},
		{`{"jsonrpc":"2.0","id":1,"result":{"a":1,"a":2,"ID":3}}`, nil},
		{`{"jsonrpc":"2.0","\u0069d":1,"method":"x","params":{"Custom":1,"custom2":2}}`, nil}, // an escape spells "id" exactly
		{`{"jsonrpc":"2.0","id":1,"method":"x","params":[1,1]}`, nil},
		{`{"jsonrpc":"2.0","id":1,"method":"x","id":2}`, &ambiguity{Member: "id"}},
		{`{"jsonrpc":"2.0","id":1,"method":"x","\u0069d":2}`, &ambiguity{Member: "id"}},
		{`{"jsonrpc":"2.0","method":"x","params":{"_meta":{"a":1,"a":2}}}`, &ambiguity{Member: "params._meta.a"}},
		{`{"jsonrpc":"2.0","id":1,"method":"x","params":{"tas\u212a":1,"task":2}}`, &ambiguity{Member: "params.task"}}, // K is the Kelvin sign: encoding/json folds it to k
		// A member the hub reads, spelled in another case, is read by encoding/json servers.
		{`{"jsonrpc":"2.0","Id":1,"method":"x","id":2}`, &ambiguity{Member: "Id", As: "id"}},
		{`{"jsonrpc":"2.0","method":"notifications/x","ID":5}`, &ambiguity{Member: "ID", As: "id"}},
		{`{"jsonrpc":"2.0","id":"s1","Method":"tools/call","params":{"name":"x"}}`, &ambiguity{Member: "Method", As: "method"}},
		{`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"safe","arguments":{},"Name":"danger"}}`, &ambiguity{Member: "params.Name", As: "params.name"}},
		{`{"jsonrpc":"2.0","id":1,"method":"x","params":{"_meta":{"progresstoken":2}}}`, &ambiguity{Member: "params._meta.progresstoken", As: "params._meta.progressToken"}},
	} {
		if diff := cmp.Diff(tc.want, ambiguousMember([]byte(tc.msg))); diff != "" {
			t.Errorf("ambiguousMember(%s) (-want +got):\n%s", tc.msg, diff)
		}
	}
}

// The duplicate check runs on every client message next to classify (the relay's envelope
// decoder); it should cost a fraction of it.
func BenchmarkAmbiguousMember(b *testing.B) {
	small := []byte(`{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello world"},"_meta":{"progressToken":12}}}`)
	large := []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"echo","arguments":{"text":%q},"_meta":{"progressToken":12}}}`, strings.Repeat("lorem ipsum ", 1<<16)))
	for _, tc := range []struct {
		name string
		msg  []byte
	}{{"small", small}, {"768KB", large}} {
		b.Run(tc.name+"/ambiguousMember", func(b *testing.B) {
			b.SetBytes(int64(len(tc.msg)))
			b.ReportAllocs()
			for b.Loop() {
				if ambiguousMember(tc.msg) != nil {
					b.Fatal("found a duplicate")
				}
			}
		})
		b.Run(tc.name+"/classify", func(b *testing.B) {
			b.SetBytes(int64(len(tc.msg)))
			b.ReportAllocs()
			for b.Loop() {
				classify(tc.msg)
			}
		})
	}
}

func TestClientAmbiguityInBatches(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{`[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]`, false},
		{`[{"jsonrpc":"2.0","id":1,"method":"tools/list","METHOD":"tools/call"}]`, true},
		{`[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","id":2,"method":"tools/call","method":"tools/list"}]`, true},
	} {
		if got := clientAmbiguity(kindBatch, []byte(tc.line)) != nil; got != tc.want {
			t.Errorf("clientAmbiguity(batch %s) = %v, want %v", tc.line, got, tc.want)
		}
	}
}
