package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
)

// diagnose finds which member of config.json a type error is about, so the person is told
// the field's full name and its line. It re-decodes each server, client and settings object on
// its own, because errors from nested decoders lose the map keys and offsets.
func diagnose(path string, data []byte, err error) error {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil
	}
	try := func(prefix []string, raw json.RawMessage, v any) error {
		e := json.Unmarshal(raw, v)
		var typ *json.UnmarshalTypeError
		if !errors.As(e, &typ) {
			return nil
		}
		field := append(prefix, strings.Split(strings.TrimPrefix(typ.Field, "."), ".")...)
		if typ.Field == "" {
			field = prefix
		}
		return &FileError{Path: path, Line: lineAt(data, locate(data, field)),
			Msg: strings.Join(field, ".") + " should be " + describeType(typ.Type.String()) + ", not a JSON " + typ.Value}
	}
	groups := []struct {
		key string
		new func() any
	}{{"servers", func() any { return new(Server) }}, {"clients", func() any { return new(ClientBinding) }}}
	for _, g := range groups {
		var members map[string]json.RawMessage
		if e := json.Unmarshal(top[g.key], &members); top[g.key] != nil && e != nil {
			return &FileError{Path: path, Line: lineAt(data, locate(data, []string{g.key})), Msg: g.key + " should be an object"}
		}
		for name, raw := range members {
			if fe := try([]string{g.key, name}, raw, g.new()); fe != nil {
				return fe
			}
		}
	}
	if raw, ok := top["settings"]; ok {
		if fe := try([]string{"settings"}, raw, new(Settings)); fe != nil {
			return fe
		}
	}
	return nil
}

// locate returns the offset of the value at the member path in data, or of the deepest
// member of the path it found.
func locate(data []byte, path []string) int64 {
	dec := json.NewDecoder(bytes.NewReader(data))
	var best int64
	var walk func(depth int) bool // reports whether the path was found
	// skip consumes one value whose first token has been read.
	skip := func(tok json.Token) {
		if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
			for n := 1; n > 0; {
				t, err := dec.Token()
				if err != nil {
					return
				}
				if d, ok := t.(json.Delim); ok {
					if d == '{' || d == '[' {
						n++
					} else {
						n--
					}
				}
			}
		}
	}
	walk = func(depth int) bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if depth == len(path) {
			return true
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			skip(tok)
			return false
		}
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				return false
			}
			if key == path[depth] {
				best = dec.InputOffset()
				return walk(depth + 1)
			}
			v, err := dec.Token()
			if err != nil {
				return false
			}
			skip(v)
		}
		return false
	}
	walk(0)
	// best is just after the key; the line of the key is the one a person looks at.
	return best
}
