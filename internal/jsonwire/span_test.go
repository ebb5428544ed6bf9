package jsonwire

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
		got := string(ReplaceAt([]byte(tc.msg), []byte(tc.v), tc.keys...))
		if got != tc.want {
			t.Errorf("ReplaceAt(%s, %v) = %s, want %s", tc.msg, tc.keys, got, tc.want)
		}
	}
}

// Field must find the member encoding/json (and JavaScript) reads: the last one of that name.
func FuzzField(f *testing.F) {
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
		s, e, ok := Field([]byte(msg), "id")
		if ok != has || ok && !bytes.Equal(bytes.TrimSpace(want), []byte(msg[s:e])) {
			t.Errorf("Field(%s, id) = %q (found %v), encoding/json reads %s (found %v)", msg, msg[s:e], ok, want, has)
		}
	})
}

// FuzzMembers checks that the span walker (which does not validate) and the validating
// scanner see the same members of any valid object, and that ReplaceAt changes exactly the
// member Field found.
func FuzzMembers(f *testing.F) {
	for _, seed := range []string{`{"id":1,"method":"a","params":{"x":[1,"]}",{"y":null}]}}`, `{ "a" : "\\\"" , "b" : -1.5e3 }`, `{}`, `{"id":"x","id":true}`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, obj string) {
		b := []byte(obj)
		type member struct{ key, value string }
		var want []member
		isObj, ok := Object(b, func(key, value []byte) { want = append(want, member{string(key), string(value)}) })
		var got []member
		Members(b, func(key []byte, s, e int) bool {
			got = append(got, member{string(key), obj[s:e]})
			return true
		})
		if !ok || !isObj {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("Members(%s) = %q, Object saw %q", obj, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("Members(%s) = %q, Object saw %q", obj, got, want)
			}
		}
		out := ReplaceAt(b, []byte(`"new"`), "id")
		if _, _, has := Field(b, "id"); (out != nil) != has {
			t.Fatalf("ReplaceAt(%s) = %s", obj, out)
		}
		if out != nil && (!json.Valid(out) || StringAt(out, "id") != "new") {
			t.Fatalf("ReplaceAt(%s) = %s, not a valid message with the new id", obj, out)
		}
	})
}
