package remote

import (
	"strings"
	"testing"
	"time"

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

// TestReadStreamCursor: the cursor follows the last id given, by an event with data or
// without (a priming event), takes the server's retry delay (bounded), and a stream read
// with the cursor of an earlier one goes on from its id.
func TestReadStreamCursor(t *testing.T) {
	var cur cursor
	in := "id: p0\nretry: 250\ndata: \n\nid: 1\ndata: a\n\nid: 2\n\n: comment\n"
	if err := readStream(strings.NewReader(in), &cur, func(event) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if cur.ID != "2" || cur.Retry != 250*time.Millisecond {
		t.Fatalf("cursor after the stream: %+v", cur)
	}
	var ids []string
	readStream(strings.NewReader("\ndata: b\n\nretry: x\nretry: 999999999\n\n"), &cur, func(e event) error { ids = append(ids, e.ID); return nil })
	if len(ids) != 1 || ids[0] != "2" || cur.ID != "2" || cur.Retry != maxRetry {
		t.Fatalf("a resumed stream: ids %q, cursor %+v", ids, cur)
	}
}
