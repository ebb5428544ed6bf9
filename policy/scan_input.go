package policy

import (
	"encoding/json"
	"errors"
)

// ToolDefinitions reads tool definitions from b: a JSON list of tools, a tools/list result
// ({"tools": […]}), or a whole response ({"result": {"tools": […]}}). Its error is a clause
// saying what b is instead ("it is not JSON"), for a sentence that names where b came from.
func ToolDefinitions(b []byte) ([]json.RawMessage, error) {
	var list []json.RawMessage
	if json.Unmarshal(b, &list) == nil {
		return list, nil
	}
	var obj struct {
		Tools  json.RawMessage `json:"tools"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return nil, errors.New("it is not JSON")
	}
	if obj.Tools == nil && obj.Result != nil {
		return ToolDefinitions(obj.Result)
	}
	if obj.Tools == nil {
		return nil, errors.New(`it has no "tools" list`)
	}
	if err := json.Unmarshal(obj.Tools, &list); err != nil {
		return nil, errors.New(`its "tools" is not a list`)
	}
	return list, nil
}

// ScanDefinitions scans every tool definition (ScanDefinition), in order; never nil.
func ScanDefinitions(tools []json.RawMessage) []ScanReport {
	out := make([]ScanReport, 0, len(tools))
	for _, raw := range tools {
		out = append(out, ScanDefinition(raw))
	}
	return out
}
