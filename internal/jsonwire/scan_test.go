package jsonwire

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// referenceEnvelope is what Envelope must agree with: encoding/json's idea of validity,
// and exact member names with the last duplicate winning.
func referenceEnvelope(line []byte) (id json.RawMessage, method string, isObject bool, ok bool) {
	if !json.Valid(line) {
		return nil, "", false, false
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(line, &members) != nil || members == nil { // null decodes to a nil map
		return nil, "", false, true // valid JSON, not an object
	}
	if m, has := members["method"]; has {
		if json.Unmarshal(m, &method) != nil {
			return nil, "", true, false
		}
	}
	id = members["id"]
	return id, method, true, true
}

func TestEnvelope(t *testing.T) {
	tests := []struct {
		in       string
		id       string
		method   string
		isObject bool
		ok       bool
	}{
		{`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"x","arguments":{"a":[1,2,{"b":"}"}]}}}`, `7`, "tools/call", true, true},
		{`{"id":"a\"b","result":{}}`, `"a\"b"`, "", true, true},
		{` { "method" : "notifications/initialized" } `, ``, "notifications/initialized", true, true},
		{`{"id":1,"id":2}`, `2`, "", true, true},
		{`{"\u0069d":3,"m\u0065thod":"caf\u00e9"}`, `3`, "café", true, true},
		{`{"id":null,"method":"x"}`, `null`, "x", true, true},
		{`{}`, ``, "", true, true},
		{`[{"id":1}]`, ``, "", false, true},
		{`[]`, ``, "", false, true},
		{`5`, ``, "", false, true},
		{`{"method":5}`, ``, "", true, false},
		{`{"id":1,}`, ``, "", true, false},
		{`{"id":01}`, ``, "", true, false},
		{`{"id":1.}`, ``, "", true, false},
		{`{"id":-}`, ``, "", true, false},
		{`{"id":1e}`, ``, "", true, false},
		{`{"id":tru}`, ``, "", true, false},
		{`{"id":"a` + "\n" + `"}`, ``, "", true, false},
		{`{"id":"\x"}`, ``, "", true, false},
		{`{"id":"\u12"}`, ``, "", true, false},
		{`{"id":1} x`, ``, "", true, false},
		{`{"id":[1,2}`, ``, "", true, false},
		{`{"id":{"a":1]}`, ``, "", true, false},
		{`{"id"}`, ``, "", true, false},
		{``, ``, "", false, false},
		{`not json`, ``, "", false, false},
	}
	for _, tt := range tests {
		id, method, isObject, err := Envelope([]byte(tt.in))
		got := []any{string(id), method, isObject, err == nil}
		want := []any{tt.id, tt.method, tt.isObject, tt.ok}
		if !tt.ok {
			got, want = got[3:], want[3:] // an invalid message reports nothing else
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Envelope(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestEnvelopeDeepNesting(t *testing.T) {
	deep := `{"id":1,"params":` + strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1) + `}`
	if _, _, _, err := Envelope([]byte(deep)); err == nil {
		t.Error("a message nested deeper than encoding/json allows was accepted")
	}
	ok := `{"id":1,"params":` + strings.Repeat("[", 500) + strings.Repeat("]", 500) + `}`
	if _, _, _, err := Envelope([]byte(ok)); err != nil {
		t.Errorf("500 levels of nesting refused: %v", err)
	}
}

// FuzzEnvelope checks the relay's decoder against encoding/json on any input.
func FuzzEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}`,
		`{"jsonrpc":"2.0","id":"x","result":{"content":[{"type":"text","text":"a\nb"}]}}`,
		`[{"id":1,"method":"a"},{"method":"b"}]`, `{"id":1e5,"method":"\ud83d\ude00"}`, `{"method":null}`,
		`{"id":-0.5E+3}`, ` {"a":[true,false,null]} `, `null`,
		`{"method":"tools\/call","id":2}`, `{"method":"ping","method":"tools/call"}`, `{"method":"notifications/progress "}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		id, method, isObject, err := Envelope(line)
		wid, wmethod, wobj, wok := referenceEnvelope(line)
		if (err == nil) != wok {
			t.Fatalf("Envelope(%q) error %v, encoding/json valid=%v", line, err, wok)
		}
		if !wok {
			return
		}
		if string(id) != string(wid) || method != wmethod || isObject != wobj {
			t.Fatalf("Envelope(%q) = %q %q %v, encoding/json says %q %q %v", line, id, method, isObject, wid, wmethod, wobj)
		}
	})
}

// FuzzReadMessage checks the relay's one-pass reader against its two parts done apart: the
// envelope as Envelope reads it (itself checked against encoding/json by FuzzEnvelope), and
// the top level's ambiguity and child as CheckLevel finds them.
func FuzzReadMessage(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}`,
		`{"id":1,"ID":2,"method":"a"}`, `{"Method":"a","id":1}`, `{"params":1,"params":2}`, `{"\u0070arams":{"x":1},"id":1}`,
		`{"id":1,"params":{"a":1},"K":2,"\u212a":3}`, `[{"id":1,"method":"a"}]`, `{"method":7}`, `{"id":1`,
		`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"Q":18}`,
	} {
		f.Add([]byte(s))
	}
	reads := []string{"jsonrpc", "id", "method", "params", "result", "error"}
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := ReadMessage(line, reads, "params")
		id, method, isObject, werr := Envelope(line)
		if (err == nil) != (werr == nil) || m.IsObject != isObject {
			t.Fatalf("ReadMessage(%q): error %v, object %v; Envelope: error %v, object %v", line, err, m.IsObject, werr, isObject)
		}
		if err != nil {
			return
		}
		if string(m.ID) != string(id) || m.Method != method {
			t.Fatalf("ReadMessage(%q) = id %q method %q; Envelope: %q %q", line, m.ID, m.Method, id, method)
		}
		child, a := CheckLevel(line, reads, "params")
		if (m.Ambiguity == nil) != (a == nil) || a != nil && *a != *m.Ambiguity {
			t.Fatalf("ReadMessage(%q) ambiguity %+v; CheckLevel: %+v", line, m.Ambiguity, a)
		}
		if a == nil && string(m.Child) != string(child) {
			t.Fatalf("ReadMessage(%q) child %q; CheckLevel: %q", line, m.Child, child)
		}
		if n, _ := ReadMessage(line, nil, "params"); n.Ambiguity != nil || n.Child != nil {
			t.Fatalf("ReadMessage(%q) without names read checked them: %+v", line, n)
		}
	})
}

// TestReadingAMessageAllocatesNothing: the relay reads every message of every call with
// ReadMessage and checks the levels below with CheckLevel. Their Level once pointed into
// itself, which put it on the heap (416 bytes a message, zeroed in memory the client and the
// server had just evicted from the cache), and the method of a tools/call was copied into a
// new string.
func TestReadingAMessageAllocatesNothing(t *testing.T) {
	reads := []string{"jsonrpc", "id", "method", "params", "result", "error"}
	for _, line := range []string{
		`{"method":"tools/call","params":{"name":"echo","arguments":{"message":"hi"},"_meta":{"progressToken":7}},"jsonrpc":"2.0","id":12}`,
		`{"result":{"content":[{"type":"text","text":"Echo: hi"}]},"jsonrpc":"2.0","id":12}`,
		`{"method":"notifications/progress","params":{"progressToken":7,"progress":1},"jsonrpc":"2.0"}`,
	} {
		b := []byte(line)
		if n := testing.AllocsPerRun(100, func() { ReadMessage(b, reads, "params") }); n != 0 {
			t.Errorf("ReadMessage(%s) made %v allocations, want none", line, n)
		}
		if n := testing.AllocsPerRun(100, func() { CheckLevel(b, reads, "params") }); n != 0 {
			t.Errorf("CheckLevel(%s) made %v allocations, want none", line, n)
		}
	}
}
