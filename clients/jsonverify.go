package clients

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// quickVerify is verifyEdit for big strict-JSON files (~/.claude.json grows to megabytes):
// instead of decoding the whole document twice, it checks that the new content is strict
// JSON, that every top-level value other than the servers' holder is byte for byte the same,
// and compares only the servers' holder by meaning. It reports false when it does not apply.
// A document read in spans is checked by verifySpans, which does not decode the rest at all.
func (d *jsonDoc) quickVerify(parts content, skip string) (bool, error) {
	if d.spans != nil {
		return true, d.verifySpans(parts, skip)
	}
	out := parts.join()
	if !d.f.strict || d.f.shape.pickPath != nil || len(d.path) != 1 || len(bytes.TrimSpace(d.src)) == 0 {
		return false, nil
	}
	var before, after map[string]json.RawMessage
	if err := json.Unmarshal(d.src, &before); err != nil {
		return false, nil // let the full check explain
	}
	if err := json.Unmarshal(bytes.TrimPrefix(out, utf8BOM), &after); err != nil {
		return true, fmt.Errorf("the new content is not valid JSON: %w", err)
	}
	holder := d.path[0]
	for k, v := range before {
		if k != holder && !bytes.Equal(v, after[k]) {
			return true, fmt.Errorf("the edit changed %q", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok && k != holder {
			return true, fmt.Errorf("the edit added %q", k)
		}
	}
	servers := func(raw json.RawMessage) (any, error) {
		root := map[string]any{}
		if raw != nil {
			v, err := decodeJSON(raw)
			if err != nil {
				return nil, err
			}
			root[holder] = v
		}
		return stripOurs(root, d.path, skip, nil), nil
	}
	was, err1 := servers(before[holder])
	now, err2 := servers(after[holder])
	if err := errors.Join(err1, err2); err != nil {
		return true, err
	}
	if !reflect.DeepEqual(was, now) {
		return true, errors.New("the edit changed servers that are not MCP Tray's")
	}
	return true, nil
}
