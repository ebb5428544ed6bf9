package daemon

import (
	"slices"
	"testing"
)

func TestFailureTextsReadOnlyFailedCalls(t *testing.T) {
	for _, c := range []struct {
		response string
		want     []string
	}{
		{`{"jsonrpc":"2.0","id":1,"result":{"isError":true,"content":[{"type":"text","text":"Error: EACCES: permission denied, open '/h/.ssh/id_rsa'"},{"type":"image","data":"x"}]}}`,
			[]string{"Error: EACCES: permission denied, open '/h/.ssh/id_rsa'"}},
		{`{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"open /h/.aws/credentials: permission denied"}}`,
			[]string{"open /h/.aws/credentials: permission denied"}},
		// A file's content that quotes a refusal is not one.
		{`{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"EACCES: permission denied, open '/h/x'"}]}}`, nil},
		{`{"jsonrpc":"2.0","id":1,"result":{"isError":false,"content":[{"type":"text","text":"EACCES: permission denied, open '/h/x'"}]}}`, nil},
		{`not json "isError"`, nil},
	} {
		if got := failureTexts([]byte(c.response)); !slices.Equal(got, c.want) {
			t.Errorf("failureTexts(%s) = %q, want %q", c.response, got, c.want)
		}
	}
}
