//go:build !windows

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/supervisor"
)

// A server's output and the names in its messages reach the person's terminal with every
// control character escaped: `delete_all\r\e[2Kread_thing` must not print as `read_thing`.
func TestLogsEscapeWhatServersSend(t *testing.T) {
	hostile := "delete_all\r\x1b[2Kread_thing\u202e"
	at := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	lines := map[string]string{
		"log line": formatLogLine(supervisor.Line{Time: at, Source: "server", Text: hostile}),
		"traffic": formatTraffic(api.TrafficRecord{Session: "s\x1b]0;x\a", Traffic: gateway.Traffic{
			Time: at, Direction: "server→client", Kind: "request", Method: hostile, ID: "1\r", Size: 10}}),
	}
	for name, got := range lines {
		if strings.ContainsAny(got, "\r\x1b\a\u202e") {
			t.Errorf("%s prints a raw control character: %q", name, got)
		}
		if name == "traffic" && (!strings.Contains(got, `s\x1b]0;x\x07`) || !strings.Contains(got, `id=1\r`)) {
			t.Errorf("traffic line %q does not show the session and id escaped", got)
		}
		if !strings.Contains(got, `delete_all\r\x1b[2Kread_thing\u202e`) {
			t.Errorf("%s does not show the escaped name: %q", name, got)
		}
	}
}
