package policy

import (
	"fmt"
	"slices"
	"strings"
)

// fieldKind says what a string of a tool definition is, which decides the rules it meets.
type fieldKind int

const (
	kindProse fieldKind = iota // descriptions, titles: text a model reads as documentation
	kindValue                  // enum, default, const, examples, pattern, $comment, _meta, unknown members
	kindName                   // the tool's name, a parameter's name, an unknown member's key
)

// knownKeys are the members of a tool definition and of JSON Schema that carry structure.
// A key outside this set is itself read as text: an attacker can write an order as a key.
var knownKeys = map[string]bool{
	"name": true, "title": true, "description": true, "inputSchema": true, "outputSchema": true,
	"annotations": true, "icons": true, "_meta": true, "execution": true,
	"readOnlyHint": true, "destructiveHint": true, "idempotentHint": true, "openWorldHint": true,
	"type": true, "properties": true, "required": true, "items": true, "enum": true, "default": true,
	"const": true, "examples": true, "pattern": true, "$comment": true, "$schema": true, "$ref": true,
	"$defs": true, "definitions": true, "$id": true, "additionalProperties": true, "anyOf": true,
	"oneOf": true, "allOf": true, "not": true, "format": true, "minimum": true, "maximum": true,
	"exclusiveMinimum": true, "exclusiveMaximum": true, "minLength": true, "maxLength": true,
	"minItems": true, "maxItems": true, "uniqueItems": true, "multipleOf": true, "nullable": true,
	"patternProperties": true, "propertyNames": true, "dependencies": true, "dependentRequired": true,
	"contentMediaType": true, "contentEncoding": true, "if": true, "then": true, "else": true,
	"deprecated": true, "readOnly": true, "writeOnly": true, "prefixItems": true, "contains": true,
	"minProperties": true, "maxProperties": true, "src": true, "mimeType": true, "sizes": true,
	"taskSupport": true, "unevaluatedProperties": true, "discriminator": true, "ttlMs": true, "cacheScope": true,
}

// walkDefinition calls visit for every string of a decoded tool definition and for every
// key that is not structure: the name of each property under "properties" and each unknown
// member. Maps are walked in key order so findings come out the same every time.
func walkDefinition(v any, path string, visit func(field string, kind fieldKind, text string)) {
	switch v := v.(type) {
	case string:
		if !structural(path) {
			visit(path, kindOf(path), v)
		}
	case []any:
		for i, e := range v {
			walkDefinition(e, fmt.Sprintf("%s[%d]", path, i), visit)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		properties := strings.HasSuffix(path, "properties")
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if properties || !knownKeys[k] {
				visit(p, kindName, k)
			}
			walkDefinition(v[k], p, visit)
		}
	}
}

// structural reports a string that names a schema or a reference rather than saying anything.
func structural(path string) bool {
	for _, k := range []string{"$schema", "$ref", "$id", "type", "format", "mimeType", "src"} {
		if path == k || strings.HasSuffix(path, "."+k) {
			return true
		}
	}
	return false
}

// kindOf tells prose from values by the last member of the path.
func kindOf(path string) fieldKind {
	last := path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		last = path[i+1:]
	}
	if i := strings.IndexByte(last, '['); i >= 0 {
		last = last[:i]
	}
	switch last {
	case "description", "title":
		return kindProse
	case "name":
		if path == "name" {
			return kindName
		}
	}
	return kindValue
}

// nameWords splits a snake_case, kebab-case or camelCase name into lower-case words.
func nameWords(name string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ':
			b.WriteByte(' ')
			prevLower = false
		case r >= 'A' && r <= 'Z':
			if prevLower {
				b.WriteByte(' ')
			}
			b.WriteRune(r + ('a' - 'A'))
			prevLower = false
		default:
			b.WriteRune(r)
			prevLower = r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		}
	}
	return " " + strings.Join(strings.Fields(b.String()), " ") + " "
}

var (
	nameAccess    = []string{" content ", " contents ", " reading ", " read ", " from ", " of ", " value ", " verification ", " dump ", " copy ", " stolen ", " leak "}
	nameSensitive = []string{" ssh ", " rsa ", " private key ", " password ", " passwd ", " secret ", " secrets ", " credential ", " credentials ", " env file ", " aws credentials ", " aws secret ", " kubeconfig ", " kube config ", " cookie ", " cookies ", " api key ", " seed phrase "}
	nameAboutAI   = []string{" system prompt ", " conversation history ", " chat history ", " previous messages ", " user messages "}
	nameModel     = []string{" llm model ", " llm provider ", " model name "}
)

// nameFindings checks a name (a parameter, the tool, an unknown member) for a request for
// private data written into the name itself, where a person rarely looks.
func nameFindings(name string) []Finding {
	w := nameWords(name)
	var out []Finding
	if containsAny(w, nameAccess) && containsAny(w, nameSensitive) {
		out = append(out, Finding{Class: ClassExfiltration, Rule: "name-asks-secret", Weight: 1,
			Reason: fmt.Sprintf("Its name %q asks for a private file or secret.", name)})
	}
	if len(strings.Fields(w)) >= 5 && containsAny(w, nameSensitive) && !containsAny(w, nameAccess) {
		out = append(out, Finding{Class: ClassExfiltration, Rule: "name-asks-secret", Weight: 1,
			Reason: fmt.Sprintf("Its name %q asks for a private file or secret.", name)})
	}
	if containsAny(w, nameModel) {
		out = append(out, Finding{Class: ClassExfiltration, Rule: "model-identity", Weight: 0.4,
			Reason: fmt.Sprintf("Its name %q asks the AI model which model it is (usually usage analytics).", name)})
	}
	if containsAny(w, nameAboutAI) {
		weight := 0.6
		if containsAny(w, []string{" your ", " verbatim ", " current ", " full ", " entire ", " complete "}) {
			weight = 1
		}
		out = append(out, Finding{Class: ClassExfiltration, Rule: "name-asks-conversation", Weight: weight,
			Reason: fmt.Sprintf("Its name %q asks for the AI model's instructions or the conversation.", name)})
	}
	return out
}

func containsAny(s string, needles []string) bool {
	for _, n := range needles {
		if strings.Contains(s, n) {
			return true
		}
	}
	return false
}
