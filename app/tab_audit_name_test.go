package app

import (
	"testing"

	"github.com/mcptray/mcptray/policy"
)

// The Activity tab names the AI app as the prompt does: by the name people know it by.
func TestAuditRowNamesTheAppAsThePromptDoes(t *testing.T) {
	for _, c := range []struct{ client, want string }{
		{"claude-ai", "Claude Desktop used write_file of filesystem"},
		{"cursor-vscode", "Cursor used write_file of filesystem"},
		{"", "An AI app used write_file of filesystem"},
		{"my-agent", "my-agent used write_file of filesystem"},
	} {
		r := policy.AuditRecord{Client: c.client, Tool: "write_file", Server: "filesystem", Decision: policy.Allowed}
		if got := auditWhat(r); got != c.want {
			t.Errorf("auditWhat(client %q) = %q, want %q", c.client, got, c.want)
		}
	}
}
