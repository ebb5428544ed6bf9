package api

import (
	"encoding"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite docs/app-api.md from the method declarations")

// docPath is the generated reference of the control methods.
const docPath = "../docs/app-api.md"

// TestAppAPIDocIsCurrent: docs/app-api.md is generated from All; it fails while the file is
// stale. `go test ./api -update` rewrites it.
func TestAppAPIDocIsCurrent(t *testing.T) {
	got := appAPIDoc()
	if *update {
		if err := os.WriteFile(docPath, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != got {
		t.Errorf("docs/app-api.md is stale: a method, its types or its errors changed. Run: go test ./api -update")
	}
}

// TestAppAPIDocAnchorsAreUnique: no two headings of docs/app-api.md share an anchor, so every
// link lands on the method or type it names.
func TestAppAPIDocAnchorsAreUnique(t *testing.T) {
	seen := map[string]string{}
	for _, line := range strings.Split(appAPIDoc(), "\n") {
		h, ok := strings.CutPrefix(line, "### ")
		if !ok {
			continue
		}
		a := headingAnchor(h)
		if other, dup := seen[a]; dup {
			t.Errorf("the headings %q and %q share the anchor #%s", other, h, a)
		}
		seen[a] = h
	}
}

const docHead = `# Control methods

<!-- Generated from package api by ` + "`go test ./api -update`" + `; edit the declarations, not this file. -->

MCP Tray's daemon serves these methods on its socket; the command line (` + "`cmd/mcptray`" + `) and the
window (` + "`app/`" + `) call them, and nothing else does. Each is declared once, in package ` + "`api`" + `
(` + "`api/methods.go`" + `), with its params, result and errors: the daemon registers it with
` + "`api.Handle`" + ` and callers use ` + "`api.Call`" + ` (` + "`api.OpenStream`" + ` for a stream). Fields are only ever
added, never renamed or removed. A field marked *optional* may be left out (it is ` + "`omitempty`" + `).

Every request opens its own connection with one JSON line ` + "`{\"op\": \"call\"|\"stream\", \"method\", \"params\"}`" + `;
a call gets one ` + "`{\"result\"}`" + ` or ` + "`{\"error\"}`" + ` line, a stream one ` + "`{\"event\"}`" + ` line per event and then
` + "`{\"ok\": true}`" + ` or ` + "`{\"error\"}`" + ` (see package ` + "`control`" + `).

## Errors

An error is ` + "`{\"code\", \"message\"}`" + `: the message is one sentence for a person, the code is stable
for programs and matches a sentinel with ` + "`errors.Is`" + `. Any method may fail with ` + "`failed`" + `,
with ` + "`internal`" + ` (MCP Tray hit a bug doing it: the stack goes to the daemon log and only that
connection ends), and with ` + "`bad_request`" + ` when its params do not decode; the table lists the
others each method returns.

| code | sentinel | meaning |
|---|---|---|
`

// errorDocs describes each sentinel's row in the errors table.
var errorDocs = []struct {
	err  error
	text string
}{
	{ErrNotFound, "what the request names (a server, an approval, an AI app, a context) does not exist"},
	{ErrBadRequest, "the params could not be read, or ask for something that cannot be"},
	{ErrFailed, "MCP Tray tried and could not; the sentence says why"},
	{ErrNotFromPerson, "only the person may approve or loosen, and the request came from a server MCP Tray started, from an AI app, or from something they ran"},
	{ErrInternal, "the request hit a bug in MCP Tray; nothing else ended"},
	{ErrNeedsConfirmation, "a switch to a production Kubernetes context needs the person's yes"},
	{ErrAlreadyAnswered, "the held call was answered already, or timed out"},
	{ErrUnknownMethod, "the running MCP Tray is older than the caller and does not know the method (daemons before this code sent bad_request)"},
}

// appAPIDoc renders docs/app-api.md from All and NoteKinds.
func appAPIDoc() string {
	var b strings.Builder
	b.WriteString(docHead)
	for _, e := range errorDocs {
		fmt.Fprintf(&b, "| `%s` | `api.%s` | %s |\n", Code(e.err), sentinelName(e.err), e.text)
	}
	b.WriteString(`
## Who may call what

Approvals and every method that loosens something are taken only from the person: the tray, the
window process the tray started, or a program that neither descends from MCP Tray (its servers)
nor from an AI app with a bridge open. The daemon reads the caller's pid from the socket and walks
its ancestry; a refusal is ` + "`not_from_person`" + `. Each method's declaration says whether it loosens
in ` + "`api/methods.go`" + ` (` + "`Loosens`" + `): always, never, or for some params (` + "`LoosensWhen`" + ` says which in words).
The daemon's check (` + "`daemon/authority.go`" + `) reads ` + "`Loosens`" + ` from there, and for a method that loosens
for some params, its ` + "`sometimes`" + ` table holds the rule that judges them (a method without a rule there
counts as always loosening). Tightening is taken from anyone.

## Methods

| method | kind | params | result | errors | only from the person |
|---|---|---|---|---|---|
`)
	types := map[reflect.Type]bool{}
	var order []reflect.Type
	for _, m := range All {
		d := m.Describe()
		kind := "call"
		if d.Stream {
			kind = "stream"
		}
		var errs []string
		for _, e := range d.Errors {
			errs = append(errs, "`"+Code(e)+"`")
		}
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %s | %s | %s |\n", d.Name, headingAnchor(d.Name), kind,
			typeRef(d.Params, types, &order), typeRef(d.Result, types, &order), strings.Join(errs, ", "), loosening(d))
	}
	b.WriteString("\n")
	for _, m := range All {
		d := m.Describe()
		fmt.Fprintf(&b, "### %s\n\n%s\n\n", d.Name, d.Doc)
		if d.Stream {
			fmt.Fprintf(&b, "A stream: params %s; each event %s.\n\n", typeRef(d.Params, types, &order), typeRef(d.Result, types, &order))
		} else {
			fmt.Fprintf(&b, "Params %s; result %s.\n\n", typeRef(d.Params, types, &order), typeRef(d.Result, types, &order))
		}
	}
	b.WriteString("## Types\n\nEach type's fields as they are on the wire: the JSON name, the type, and the Go field.\n\n")
	for i := 0; i < len(order); i++ { // order grows as fields name more types
		t := order[i]
		fmt.Fprintf(&b, "### %s\n\n| field | type | Go |\n|---|---|---|\n", typeHeading(t))
		for _, f := range fields(t) {
			opt := ""
			if f.optional {
				opt = " *optional*"
			}
			fmt.Fprintf(&b, "| `%s` | %s%s | `%s` |\n", f.json, typeRef(f.typ, types, &order), opt, f.goName)
		}
		b.WriteString("\n")
	}
	b.WriteString("## Note kinds\n\nThe `note` of an `events` item has a `kind`, one of these (`api.NoteKind`); a kind a face does not know is ignored.\n\n")
	for _, k := range NoteKinds {
		fmt.Fprintf(&b, "- `%s`\n", k)
	}
	return b.String()
}

func sentinelName(err error) string {
	for name, e := range map[string]error{"ErrNotFound": ErrNotFound, "ErrBadRequest": ErrBadRequest, "ErrFailed": ErrFailed,
		"ErrNotFromPerson": ErrNotFromPerson, "ErrInternal": ErrInternal, "ErrNeedsConfirmation": ErrNeedsConfirmation,
		"ErrAlreadyAnswered": ErrAlreadyAnswered, "ErrUnknownMethod": ErrUnknownMethod} {
		if e == err {
			return name
		}
	}
	return "?"
}

func loosening(d Description) string {
	switch d.Loosens {
	case Loosens:
		return "always"
	case LoosensSometimes:
		return "when " + d.LoosensWhen
	}
	return ""
}

var (
	noneType    = reflect.TypeFor[None]()
	timeType    = reflect.TypeFor[time.Time]()
	durType     = reflect.TypeFor[time.Duration]()
	rawJSONType = reflect.TypeFor[json.RawMessage]()
	// textMarshaler: a type that writes itself as a JSON string (policy.Answer).
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// typeRef names t for the doc and queues a struct type for the Types section.
func typeRef(t reflect.Type, seen map[reflect.Type]bool, order *[]reflect.Type) string {
	switch {
	case t == noneType:
		return "—"
	case t == timeType:
		return "time (RFC 3339)"
	case t == durType:
		return "duration (ns)"
	case t == rawJSONType:
		return "JSON"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return typeRef(t.Elem(), seen, order)
	case reflect.Slice:
		return "[" + typeRef(t.Elem(), seen, order) + "]"
	case reflect.Map:
		return "{" + typeRef(t.Key(), seen, order) + ": " + typeRef(t.Elem(), seen, order) + "}"
	case reflect.Struct:
		if opaque(t) {
			return "`" + typeName(t) + "` (config.json's own shape)"
		}
		if !seen[t] {
			seen[t] = true
			*order = append(*order, t)
		}
		return "[`" + typeName(t) + "`](#" + headingAnchor(typeHeading(t)) + ")"
	}
	if t.Name() != "" && t.PkgPath() != "" {
		kind := t.Kind().String()
		if t.Implements(textMarshaler) {
			kind = "string"
		}
		return kind + " (`" + typeName(t) + "`)"
	}
	return t.Kind().String()
}

// opaque: config.json's whole configuration is documented with the file, not here.
func opaque(t reflect.Type) bool {
	return strings.HasSuffix(t.PkgPath(), "/config") && (t.Name() == "Config" || t.Name() == "Server")
}

// typeName is t's name with its package's folder in the module (kube/reconcile.Listing), so
// that two packages of one name (clients/reconcile, kube/reconcile) stay apart.
func typeName(t reflect.Type) string {
	return strings.TrimPrefix(t.PkgPath(), "github.com/mcptray/mcptray/") + "." + t.Name()
}

// typeHeading is the heading of t's section; the word "type" keeps its anchor apart from a
// method's (config.Pending and config.pending).
func typeHeading(t reflect.Type) string { return "type " + typeName(t) }

// headingAnchor is the anchor GitHub gives a heading: lower case, spaces as hyphens, and no
// other punctuation.
func headingAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

type docField struct {
	json, goName string
	typ          reflect.Type
	optional     bool
}

// fields lists t's fields as encoding/json writes them, embedded structs flattened.
func fields(t reflect.Type) []docField {
	var out []docField
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, fields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, docField{json: name, goName: f.Name, typ: f.Type, optional: strings.Contains(opts, "omitempty")})
	}
	return out
}
