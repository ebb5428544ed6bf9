package remote

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadEvents(t *testing.T) {
	in := ": comment\r\nevent: endpoint\r\ndata: /messages?sessionId=1\r\n\r\n" +
		"id: 7\ndata: {\"a\":\ndata: 1}\n\n" +
		"data: last without blank line"
	var got []event
	err := readEvents(strings.NewReader(in), func(e event) error { got = append(got, e); return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := []event{{Type: "endpoint", Data: "/messages?sessionId=1"}, {ID: "7", Data: "{\"a\":\n1}"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("events (-want +got):\n%s", d)
	}
}
