package gateway

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLineReaderKeepsBytesExactly(t *testing.T) {
	in := "{\"a\":1}\r\n\n{\"b\":2}\n" + strings.Repeat("x", 100) + "\n{\"last\":true}"
	lr := newLineReader(bufio.NewReaderSize(strings.NewReader(in), 16), 1<<20)
	type msg struct{ Line, Raw string }
	var got []msg
	for {
		line, raw, err := lr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, msg{string(line), string(raw)})
	}
	want := []msg{
		{`{"a":1}`, "{\"a\":1}\r\n"}, // CRLF passes through untouched
		{`{"b":2}`, "{\"b\":2}\n"},
		{strings.Repeat("x", 100), strings.Repeat("x", 100) + "\n"}, // longer than the 16-byte buffer
		{`{"last":true}`, "{\"last\":true}\n"},                      // no newline at EOF
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatal(diff)
	}
}

func TestLineReaderSkipsOversizedAndGoesOn(t *testing.T) {
	big := `{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"x":"` + strings.Repeat("y", 5000) + `"}}`
	lr := newLineReader(bufio.NewReaderSize(strings.NewReader(big+"\n{\"ok\":1}\n"), 64), 1000)
	_, _, err := lr.next()
	var tl *errTooLarge
	if !errors.As(err, &tl) || tl.size != len(big)+1 {
		t.Fatalf("err = %v, want errTooLarge of %d bytes", err, len(big)+1)
	}
	if id := idFromPrefix(tl.prefix); string(id) != "42" {
		t.Fatalf("id from the oversized prefix = %s, want 42", id)
	}
	line, _, err := lr.next()
	if err != nil || string(line) != `{"ok":1}` {
		t.Fatalf("after the oversized line: %q, %v", line, err)
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		in   string
		want kind
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"tools/call"}`, kindRequest},
		{`{"jsonrpc":"2.0","id":"abc","method":"ping"}`, kindRequest},
		{`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{}}`, kindNotification},
		{`{"jsonrpc":"2.0","id":1,"result":{}}`, kindResponse},
		{`{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"x"}}`, kindResponse},
		{`[{"jsonrpc":"2.0","id":1,"method":"a"}]`, kindBatch},
		{`{"jsonrpc":"2.0","id":null,"result":{}}`, kindInvalid},
		{`not json`, kindInvalid},
		{`{"jsonrpc":"2.0"}`, kindInvalid},
	}
	for _, tc := range cases {
		if got, _, _ := classify([]byte(tc.in)); got != tc.want {
			t.Errorf("classify(%s) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestErrorResponseIsValidJSONRPC(t *testing.T) {
	got := string(errorResponse([]byte(`"req-7"`), codeServerGone, `The "x" server stopped.`))
	want := `{"jsonrpc":"2.0","id":"req-7","error":{"code":-32001,"message":"The \"x\" server stopped."}}` + "\n"
	if got != want {
		t.Fatalf("got %s want %s", got, want)
	}
}
