package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Tool is what policy reads from one entry of a tools/list result. It is built from the raw
// bytes the server sent, never from a Go type that could drop fields.
type Tool struct {
	// Name and Description are the tool's name and description as the server gave them.
	Name        string
	Description string
	// ReadOnly is annotations.readOnlyHint == true. Servers may lie: it only picks a default.
	ReadOnly bool
	// Destructive follows the MCP defaults: a tool that is not read-only is destructive unless
	// it says destructiveHint: false.
	Destructive bool
	// Definition is the canonical JSON (see Canonicalize) of the whole tool definition as the
	// server sent it, except the members in VolatileToolFields: name, title, description,
	// inputSchema, outputSchema, annotations, icons, _meta (an MCP Apps _meta.ui.resourceUri
	// included) and any member a later MCP version adds.
	Definition json.RawMessage
	// Fingerprint is the lower-case hex SHA-256 of Definition.
	Fingerprint string
	// LegacyFingerprint is the fingerprint pins had before pins.json version 2, over name,
	// description, inputSchema and annotations alone. It only lets a pin recorded then be
	// carried over when the tool is still what the person saw (see PinStore.Observe).
	LegacyFingerprint string
	// Flags are the scanner's reasons (plain sentences) to distrust the tool; see ScanTool.
	Flags []string
}

// VolatileToolFields are the members of a tool definition that a pin leaves out, because the
// MCP specification lets them change between two listings of the same tool: the cache hints
// of the 2026-07-28 protocol, ttlMs and cacheScope. The specification puts them on list
// results rather than on tools; a server that repeats them inside a tool does not change the
// tool by changing them. Every other member is pinned. docs/pins.md says the same.
var VolatileToolFields = []string{"cacheScope", "ttlMs"}

// legacyFields are the members a pin covered before pins.json version 2, in canonical order.
var legacyFields = []string{"annotations", "description", "inputSchema", "name"}

// readFields are the members of a tool that policy reads by name; a member spelling one of
// them in another case makes the tool ambiguous, since some clients read it in its place.
var readFields = []string{"name", "title", "description", "inputSchema", "outputSchema", "annotations", "icons", "_meta"}

// ParseTool reads one tool definition from a tools/list result. It fails on bytes that are not
// a JSON object with a string name, on objects with duplicate keys anywhere, and on a tool
// that spells a member policy reads (name, description, annotations and its hints…) in
// another case: clients would disagree on what it says. It is safe for concurrent use.
func ParseTool(raw json.RawMessage) (Tool, error) {
	canon, err := Canonicalize(raw)
	if err != nil {
		return Tool{}, fmt.Errorf("reading a tool definition: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(canon, &top); err != nil {
		return Tool{}, fmt.Errorf("reading a tool definition: it is not a JSON object")
	}
	if k := caseVariant(top, readFields); k != "" {
		return Tool{}, fmt.Errorf("reading a tool definition: it names %q, which some clients read as another member", k)
	}
	var t Tool
	if err := json.Unmarshal(top["name"], &t.Name); err != nil || t.Name == "" {
		return Tool{}, errors.New("reading a tool definition: it has no name")
	}
	_ = json.Unmarshal(top["description"], &t.Description) // a non-string description is pinned, not read
	var ann map[string]json.RawMessage
	_ = json.Unmarshal(top["annotations"], &ann) // annotations that are not an object count as none
	if k := caseVariant(ann, []string{"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint", "title"}); k != "" {
		return Tool{}, fmt.Errorf("reading a tool definition: its annotations name %q, which some clients read as another hint", k)
	}
	t.ReadOnly = string(ann["readOnlyHint"]) == "true"
	t.Destructive = !t.ReadOnly && string(ann["destructiveHint"]) != "false"

	keys := make([]string, 0, len(top))
	for k := range top {
		if !slices.Contains(VolatileToolFields, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys) // byte order, as Canonicalize sorts
	t.Definition = definitionOf(top, keys)
	t.Fingerprint = fingerprint(t.Definition)
	t.LegacyFingerprint = fingerprint(definitionOf(top, legacyFields))
	t.Flags = ScanTool(canon)
	return t, nil
}

// definitionOf is the canonical object of the members keys (sorted) of top that are present.
func definitionOf(top map[string]json.RawMessage, keys []string) json.RawMessage {
	def := []byte{'{'}
	for _, k := range keys {
		v, ok := top[k]
		if !ok {
			continue
		}
		if len(def) > 1 {
			def = append(def, ',')
		}
		def = appendCanonicalString(def, k)
		def = append(def, ':')
		def = append(def, v...)
	}
	return append(def, '}')
}

// caseVariant returns a member of obj that is not one of names but equals one ignoring case
// (as encoding/json and other Go decoders match names), or "".
func caseVariant(obj map[string]json.RawMessage, names []string) string {
	for k := range obj {
		for _, n := range names {
			if k != n && strings.EqualFold(k, n) {
				return k
			}
		}
	}
	return ""
}

func fingerprint(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ParseToolsList splits the result of a tools/list response into its raw tool entries and
// returns its nextCursor ("" on the last page). The entries are the server's own bytes.
// A result that names a member twice or spells "tools" or "nextCursor" in another case is an
// error: clients would disagree on which tools it lists.
func ParseToolsList(result json.RawMessage) (tools []json.RawMessage, nextCursor string, err error) {
	// Only the result's own members are checked here: a member named twice inside one tool
	// makes that tool unreadable (ObserveTools blocks and hides it), not the whole list.
	if k, err := duplicateMember(result); err != nil || k != "" {
		if err == nil {
			err = fmt.Errorf("key %q appears twice", k)
		}
		return nil, "", fmt.Errorf("reading a tools/list result: %w", err)
	}
	var r map[string]json.RawMessage
	if err := json.Unmarshal(result, &r); err != nil {
		return nil, "", fmt.Errorf("reading a tools/list result: %w", err)
	}
	if k := caseVariant(r, []string{"tools", "nextCursor"}); k != "" {
		return nil, "", fmt.Errorf("reading a tools/list result: it names %q, which some clients read as another member", k)
	}
	if err := json.Unmarshal(r["tools"], &tools); err != nil {
		return nil, "", fmt.Errorf("reading a tools/list result: %w", err)
	}
	if c, ok := r["nextCursor"]; ok && string(c) != "null" {
		if err := json.Unmarshal(c, &nextCursor); err != nil {
			return nil, "", fmt.Errorf("reading a tools/list result: %w", err)
		}
	}
	return tools, nextCursor, nil
}

// HideTools returns result, a tools/list result object, without the tools for which hide
// returns true, and without entries whose name cannot be read exactly (no "name" string, or
// a member spelling it in another case, which some clients read instead). Everything else is
// kept byte for byte: the other members of the result, their order, and every kept tool's own
// bytes, so fields no Go type knows reach the client intact. A result with no tool to hide is
// returned unchanged (the same slice).
func HideTools(result json.RawMessage, hide func(name string) bool) (json.RawMessage, error) {
	start, end, err := memberSpan(result, "tools")
	if err != nil || start < 0 {
		return result, err
	}
	var tools []json.RawMessage
	if err := json.Unmarshal(result[start:end], &tools); err != nil {
		return nil, fmt.Errorf("reading the tools of a tools/list result: %w", err)
	}
	kept := make([][]byte, 0, len(tools))
	for _, t := range tools {
		var m map[string]json.RawMessage
		var name string
		if json.Unmarshal(t, &m) != nil || caseVariant(m, []string{"name"}) != "" || json.Unmarshal(m["name"], &name) != nil || name == "" {
			continue
		}
		if !hide(name) {
			kept = append(kept, t)
		}
	}
	if len(kept) == len(tools) {
		return result, nil
	}
	out := make([]byte, 0, len(result))
	out = append(out, result[:start]...)
	out = append(out, '[')
	out = append(out, bytes.Join(kept, []byte{','})...)
	out = append(out, ']')
	return append(out, result[end:]...), nil
}

// memberSpan finds the byte span of the value of key in the JSON object obj, or -1 if the
// object has no such member. A key given twice is an error: clients would disagree on it.
func memberSpan(obj []byte, key string) (start, end int, err error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0, 0, errors.New("reading a tools/list result: it is not a JSON object")
	}
	start, end = -1, -1
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return 0, 0, fmt.Errorf("reading a tools/list result: %w", err)
		}
		var v json.RawMessage
		from := int(dec.InputOffset())
		if err := dec.Decode(&v); err != nil {
			return 0, 0, fmt.Errorf("reading a tools/list result: %w", err)
		}
		if tok != key {
			continue
		}
		if start >= 0 {
			return 0, 0, fmt.Errorf("reading a tools/list result: %q appears twice", key)
		}
		to := int(dec.InputOffset())
		// The value starts after the colon and any space that follow the key.
		from += bytes.IndexByte(obj[from:to], ':') + 1
		for obj[from] == ' ' || obj[from] == '\t' || obj[from] == '\n' || obj[from] == '\r' {
			from++
		}
		start, end = from, to
	}
	return start, end, nil
}

// duplicateMember returns a member name that the JSON object obj names twice (exactly), or "";
// an error when obj is not a JSON object.
func duplicateMember(obj []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", errors.New("it is not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		k, _ := tok.(string)
		if seen[k] {
			return k, nil
		}
		seen[k] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", err
		}
	}
	return "", nil
}
