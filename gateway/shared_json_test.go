package gateway

import "testing"

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
		{`{"params":{}}`, `1`, []string{"params", "_meta", "progressToken"}, ""},          // none: nil
		{`[1,2]`, `1`, []string{"id"}, ""},
		{`{"id":`, `1`, []string{"id"}, ""}, // truncated
	} {
		got := string(replaceAt([]byte(tc.msg), []byte(tc.v), tc.keys...))
		if got != tc.want {
			t.Errorf("replaceAt(%s, %v) = %s, want %s", tc.msg, tc.keys, got, tc.want)
		}
	}
}
