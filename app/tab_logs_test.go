package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/mcptray/mcptray/config"
)

func TestLogsTabFollowsFiltersPausesAndCopies(t *testing.T) {
	h := newWindowHarness(t)
	h.add("alpha", &config.Server{Command: h.fake, Args: []string{"-hello", "hello from alpha"}})
	h.running("alpha")
	h.u.showLogs("alpha")
	tab := h.u.main.logs
	if got := h.u.main.tabs.Selected().Text; got != "Logs" {
		t.Fatalf("showLogs opened the %q tab", got)
	}
	h.until("the server's own line shows", func() bool { return strings.Contains(tab.text(), "server: hello from alpha") })

	// A client's messages show as traffic lines, without their content.
	s := h.connect("alpha", "Claude Desktop")
	s.roundTrip(`{"jsonrpc":"2.0","id":6,"method":"tools/list"}`) // echo only reads: allowed without asking
	s.roundTrip(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"text":"very secret words"}}}`)
	h.until("the call shows", func() bool { return strings.Contains(tab.text(), "tools/call (request 7)") })
	if strings.Contains(tab.text(), "very secret words") {
		t.Fatal("the Logs tab shows a message's content")
	}

	tab.source.SetSelected(logsTraffic)
	for _, l := range tab.shown {
		if l.source != sourceTraffic {
			t.Fatalf("the traffic filter shows %q", l)
		}
	}
	tab.source.SetSelected(logsEverything)
	tab.query.SetText("HELLO FROM")
	if len(tab.shown) == 0 {
		t.Fatal("the text filter hides the matching line")
	}
	for _, l := range tab.shown { // each process prints it: the warm spare and its successor
		if l.text != "hello from alpha" {
			t.Fatalf("the text filter shows %v", tab.shown)
		}
	}
	tab.query.SetText("")

	test.Tap(tab.pause)
	before := len(tab.shown)
	s.roundTrip(`{"jsonrpc":"2.0","id":8,"method":"tools/list"}`)
	h.until("the request arrives", func() bool {
		for _, l := range tab.lines {
			if strings.Contains(l.text, "tools/list (request 8)") {
				return true
			}
		}
		return false
	})
	if !strings.Contains(tab.held.Text, "new lines not shown yet") {
		t.Fatalf("while paused the tab says %q", tab.held.Text)
	}
	if len(tab.shown) != before {
		t.Fatal("new lines were shown while paused")
	}
	test.Tap(tab.pause)
	if !strings.Contains(tab.text(), "tools/list (request 8)") {
		t.Fatal("unpausing did not show what arrived meanwhile")
	}

	test.Tap(tab.copy)
	if got := h.fa.Clipboard().Content(); got != tab.text() || !strings.Contains(got, "hello from alpha") {
		t.Fatalf("Copy put %q on the clipboard", got)
	}
}
