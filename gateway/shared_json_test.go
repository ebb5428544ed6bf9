package gateway

import (
	"bytes"
	"encoding/json"
	"testing"
)

func TestReplaceAtChangesOneValueAndKeepsEveryOtherByte(t *testing.T) {
	for _, tc := range []struct {
		msg, v string
		keys   []string
		want   string
	}{
		{`{"jsonrpc":"2.0","method":"x","id":"a\"b","params":{}}`, `7`, []string{"id"},
			`{"jsonrpc":"2.0","method":"x","id":7,"params":{}}`},
		{`{ "id" : 1 , "params" : { "name":"}{","_meta" : {"progressToken": "tok" , "x":[1,{"id":2}]}}}`, `9`, []string{"params", "_meta", "progressToken"},
			`{ "id" : 1 , "params" : { "name":"}{","_meta" : {"progressToken": 9 , "x":[1,{"id":2}]}}}`},
		{`{"params":{"id":5},"id":3}`, `8`, []string{"id"}, `{"params":{"id":5},"id":8}`}, // the top-level id, not a nested one
		{`{"\u0069d":4}`, `1`, []string{"id"}, `{"\u0069d":1}`},                           // an escaped key is still "id"
		// A member named twice: the last one counts, as for every reader.
		{`{"id":"a1","method":"x","params":{},"id":4}`, `9`, []string{"id"}, `{"id":"a1","method":"x","params":{},"id":9}`},
		{`{"params":{"requestId":1,"requestId":2}}`, `9`, []string{"params", "requestId"}, `{"params":{"requestId":1,"requestId":9}}`},
		{`{"params":{"requestId":1},"params":{"requestId":2}}`, `9`, []string{"params", "requestId"}, `{"params":{"requestId":1},"params":{"requestId":9}}`},
		// Quotes and backslashes inside strings.
		{`{"a":"x\\","id":3}`, `8`, []string{"id"}, `{"a":"x\\","id":8}`},
		{`{"a":"\"id\":2, \\\"","b":{"c":"}\\\\"},"id":3}`, `8`, []string{"id"}, `{"a":"\"id\":2, \\\"","b":{"c":"}\\\\"},"id":8}`},
		{`{"params":{}}`, `1`, []string{"params", "_meta", "progressToken"}, ""}, // none: nil
		{`[1,2]`, `1`, []string{"id"}, ""},
		{`{"id":`, `1`, []string{"id"}, ""}, // truncated
	} {
		got := string(replaceAt([]byte(tc.msg), []byte(tc.v), tc.keys...))
		if got != tc.want {
			t.Errorf("replaceAt(%s, %v) = %s, want %s", tc.msg, tc.keys, got, tc.want)
		}
	}
}

// field must find the member encoding/json (and JavaScript) reads: the last one of that name.
func FuzzFieldAgreesWithEncodingJSON(f *testing.F) {
	for _, seed := range []string{`{"id":1}`, `{"id":"a1","method":"x","id":4}`, `{"a":"x\\","id":3,"id":[1,"]"]}`,
		`{"\u0069d":4,"id":{"id":5}}`, `{ "b" : "\"id\":2" , "id" : null }`, `{"ID":1}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		var m map[string]json.RawMessage
		if json.Unmarshal([]byte(msg), &m) != nil {
			return
		}
		want, has := m["id"]
		s, e, ok := field([]byte(msg), "id")
		if ok != has || ok && !bytes.Equal(bytes.TrimSpace(want), []byte(msg[s:e])) {
			t.Errorf("field(%s, id) = %q (found %v), encoding/json reads %s (found %v)", msg, msg[s:e], ok, want, has)
		}
	})
}
