package app

import (
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/supervisor"
)

// hostileName is a tool name that, shown raw, reads as "read_thing".
const hostileName = "delete_all\r\x1b[2Kread_thing"

// Every screen of the main window shows what servers, AI apps and registries sent with its
// control and bidi characters escaped.
func TestTabsEscapeWhatOthersSent(t *testing.T) {
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	cases := []struct{ name, got, want string }{
		{"activity", auditWhat(policy.AuditRecord{Client: "claude\u202e", Tool: hostileName, Server: "notes\x1b[0m", Scope: "ctx\r"}),
			`claude\u202e used delete_all\r\x1b[2Kread_thing of notes\x1b[0m (ctx\r)`},
		{"activity reason", auditDecision(policy.AuditRecord{Decision: policy.Denied, DecidedBy: policy.ByRule, Reason: "no\rway"}),
			`Blocked by your rules · no\rway`},
		{"logs: server output", logLine{time: at, source: sourceServer, text: "ok\r\x1b[2Kfake"}.String()[8:],
			`  server: ok\r\x1b[2Kfake`},
		{"logs: traffic", formatTraffic(api.TrafficRecord{Client: "c\u202e", Server: "s", Traffic: gateway.Traffic{
			Direction: "client→server", Kind: "request", Method: "tools/call\r\x1b[2K", ID: "1\x07", Size: 10}}),
			`c\u202e → s: tools/call\r\x1b[2K (request 1\x07), 10 bytes`},
		{"servers: problem", problemText(supervisor.Status{State: supervisor.Failed, Error: "exited\r", StderrTail: []string{"a\x1b[2K", "b\u202e"}}),
			"exited\\r\nIt said: a\\x1b[2K\nb\\u202e"},
		{"servers: row", rowDetail(supervisor.Status{State: supervisor.Backoff, Error: "crash\x1b[31m"}, at), `crash\x1b[31m`},
		{"servers: source", sourceLine(api.ServerDetail{Command: "/bin/x", Args: []string{"--a\r"}}), `Runs: /bin/x --a\r`},
		{"catalog entry", entryTitle(installer.EntryView{Title: "Files\u202egpj"}), `Files\u202egpj`},
	}
	for _, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s shows %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
