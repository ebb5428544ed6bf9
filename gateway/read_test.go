package gateway

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// hostileLines are messages a client or server could send to have the relay read one thing
// and its peer another: members twice or in another case, escaped names, carriage returns,
// batches, and the ordinary shapes beside them.
var hostileLines = []string{
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},"_meta":{"progressToken":1,"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}}`,
	`{"jsonrpc":"2.0","id":1,"method":"ping","METHOD":"tools/call"}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","NAME":"b"}}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","\u006eame":"b"}}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","_meta":{"progressToken":1,"ProgressToken":2}}}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a"},"params":{"name":"b"}}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","Params":{"name":"b"}}`,
	`{"jsonrpc":"2.0","id":1,"ID":2,"method":"tools/list"}`,
	"{\"jsonrpc\":\"2.0\",\r\"id\":1,\"method\":\"ping\"}",
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"\u212aey":1,"name":"x"}}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":[1,2]}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"\u006eame":"echo","arguments":{"a":1},"arguments":{"a":2}}}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","_meta":{"traceparent":"a","traceparent":"b"}}}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","_meta":[1]}}`,
	`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"","arguments":{}}}`,
	`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1,"requestid":2}}`,
	`{"jsonrpc":"2.0","id":3,"result":{"content":[]},"Result":{}}`,
	`{"jsonrpc":"2.0","id":3,"result":{},"error":{"code":1,"message":"x"}}`,
	`[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","id":2,"method":"b","Method":"c"}]`,
	`{"jsonrpc":"2.0","id":1,"method":"x"`, `not json`, `null`, `{}`, `{"id":null,"method":"m"}`,
}

// The relay's pumps read a message in one pass (readClient, readChecked with envelopeReads),
// where classify and the ambiguity checks read it in several: both must see the same kind,
// envelope, ambiguity and tool call, for any message.
func TestOnePassReadsWhatSeveralPassesRead(t *testing.T) {
	for _, line := range hostileLines {
		sameReading(t, []byte(line))
	}
}

func FuzzOnePassReadsWhatSeveralPassesRead(f *testing.F) {
	for _, line := range hostileLines {
		f.Add([]byte(line))
	}
	f.Fuzz(sameReading)
}

// referenceToolCall reads a tools/call's name, arguments and trace context member by member
// through the line (the last of a name given twice wins), apart from the ambiguity check.
func referenceToolCall(line []byte) (c toolCallParams, ok bool) {
	params := jsonwire.ValueAt(line, "params")
	var nameRaw, args, meta []byte
	jsonwire.Members(params, func(key []byte, vs, ve int) bool {
		switch {
		case jsonwire.KeyIs(key, "name"):
			nameRaw = params[vs:ve]
		case jsonwire.KeyIs(key, "arguments"):
			args = params[vs:ve]
		case jsonwire.KeyIs(key, "_meta"):
			meta = params[vs:ve]
		}
		return true
	})
	c.name, ok = jsonwire.Unquote(nameRaw)
	if !ok || c.name == "" {
		return toolCallParams{}, false
	}
	c.args = append(json.RawMessage(nil), args...)
	if tp := jsonwire.ValueAt(meta, "traceparent"); tp != nil {
		c.traceparent, _ = jsonwire.Unquote(tp)
	}
	return c, true
}

func sameReading(t *testing.T, line []byte) {
	k, env, err := classify(line)
	rd := readClient(line)
	if rd.kind != k || !bytes.Equal(rd.env.ID, env.ID) || rd.env.Method != env.Method || (rd.err == nil) != (err == nil) {
		t.Fatalf("%q: one pass read %v %s %q (%v), classify %v %s %q (%v)", line, rd.kind, rd.env.ID, rd.env.Method, rd.err, k, env.ID, env.Method, err)
	}
	want, got := clientAmbiguity(k, line), checkedAmbiguity(line, &rd)
	if (want == nil) != (got == nil) || want != nil && *want != *got {
		t.Fatalf("%q: client ambiguity %+v in one pass, %+v in several", line, got, want)
	}
	if k == kindRequest && env.Method == "tools/call" && want == nil {
		c1, ok1 := referenceToolCall(line)
		c2, ok2 := rd.call, rd.named
		if ok1 != ok2 || c1.name != c2.name || !bytes.Equal(c1.args, c2.args) || c1.traceparent != c2.traceparent {
			t.Fatalf("%q: the tool call read %+v %v with the check of its params, %+v %v by path", line, c2, ok2, c1, ok1)
		}
		if c3, ok3 := readToolCall(line); ok3 != ok2 || c3.name != c2.name || !bytes.Equal(c3.args, c2.args) || c3.traceparent != c2.traceparent {
			t.Fatalf("%q: readToolCall read %+v %v, the pump %+v %v", line, c3, ok3, c2, ok2)
		}
	}
	if len(levels) != 3 {
		t.Fatalf("readCallParams walks the params and _meta levels; a level added under them must be walked there too")
	}
	if k == kindInvalid || k == kindBatch {
		return
	}
	srd := readChecked(line, envelopeReads, "")
	want, got = serverAmbiguity(line), checkedServerAmbiguity(line, srd)
	if (want == nil) != (got == nil) || want != nil && *want != *got {
		t.Fatalf("%q: server ambiguity %+v in one pass, %+v in several", line, got, want)
	}
}
