package policy

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
	// Definition is the canonical JSON (see Canonicalize) of the four pinned fields: name,
	// description, inputSchema and annotations, those present.
	Definition json.RawMessage
	// Fingerprint is the lower-case hex SHA-256 of Definition.
	Fingerprint string
	// Flags are the scanner's reasons (plain sentences) to distrust the tool; see ScanTool.
	Flags []string
}

// pinnedFields are the members of a tool that its fingerprint covers, in canonical order.
var pinnedFields = []string{"annotations", "description", "inputSchema", "name"}

// ParseTool reads one tool definition from a tools/list result. It fails on bytes that are not
// a JSON object with a string name, and on objects with duplicate keys. It is safe for
// concurrent use.
func ParseTool(raw json.RawMessage) (Tool, error) {
	canon, err := Canonicalize(raw)
	if err != nil {
		return Tool{}, fmt.Errorf("reading a tool definition: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(canon, &top); err != nil {
		return Tool{}, fmt.Errorf("reading a tool definition: it is not a JSON object")
	}
	var t Tool
	if err := json.Unmarshal(top["name"], &t.Name); err != nil || t.Name == "" {
		return Tool{}, errors.New("reading a tool definition: it has no name")
	}
	_ = json.Unmarshal(top["description"], &t.Description) // a non-string description is pinned, not read
	var ann struct {
		ReadOnlyHint    *bool `json:"readOnlyHint"`
		DestructiveHint *bool `json:"destructiveHint"`
	}
	_ = json.Unmarshal(top["annotations"], &ann) // annotations that are not an object count as none
	t.ReadOnly = ann.ReadOnlyHint != nil && *ann.ReadOnlyHint
	t.Destructive = !t.ReadOnly && (ann.DestructiveHint == nil || *ann.DestructiveHint)

	def := []byte{'{'}
	for _, k := range pinnedFields {
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
	t.Definition = append(def, '}')
	t.Fingerprint = fingerprint(t.Definition)
	t.Flags = ScanTool(canon)
	return t, nil
}

func fingerprint(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ParseToolsList splits the result of a tools/list response into its raw tool entries and
// returns its nextCursor ("" on the last page). The entries are the server's own bytes.
func ParseToolsList(result json.RawMessage) (tools []json.RawMessage, nextCursor string, err error) {
	var r struct {
		Tools      []json.RawMessage `json:"tools"`
		NextCursor string            `json:"nextCursor"`
	}
	if err := json.Unmarshal(result, &r); err != nil {
		return nil, "", fmt.Errorf("reading a tools/list result: %w", err)
	}
	return r.Tools, r.NextCursor, nil
}

// HideTools returns result, a tools/list result object, without the tools for which hide
// returns true. Everything else is kept byte for byte: the other members of the result, their
// order, and every kept tool's own bytes, so fields no Go type knows reach the client intact.
// A result with no tool to hide is returned unchanged (the same slice).
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
		var n struct {
			Name string `json:"name"`
		}
		_ = json.Unmarshal(t, &n)
		if !hide(n.Name) {
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
