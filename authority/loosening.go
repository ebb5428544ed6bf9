package authority

import (
	"bytes"
	"encoding/json"
	"strings"

	"github.com/mcptray/mcptray/config"
)

// Rule tells whether one request of a method loosens, from its params as the client sent
// them. Params that do not decode count as loosening (the handler refuses them anyway).
type Rule func(params json.RawMessage) bool

// Always is the Rule of a method every call of which loosens.
func Always(json.RawMessage) bool { return true }

// Loosens reports whether a request with params loosens under rule; a nil rule never
// loosens. Params that do not read one way only (Ambiguous) count as loosening: the handler's
// decoder might read them otherwise than the rule.
func Loosens(rule Rule, params json.RawMessage) bool {
	if rule == nil {
		return false
	}
	return Ambiguous(params) || rule(params)
}

// Field is the Rule of a request that loosens when its boolean member name is loose (absent
// means false). The member is matched without regard to case, as the handler's decoder
// matches it.
func Field(name string, loose bool) Rule {
	return func(raw json.RawMessage) bool {
		var m map[string]json.RawMessage
		if len(raw) > 0 && json.Unmarshal(raw, &m) != nil {
			return true
		}
		var v bool
		for k, b := range m {
			if strings.EqualFold(k, name) && json.Unmarshal(b, &v) != nil {
				return true
			}
		}
		return v == loose
	}
}

// TrustOn is the Rule of a trust switch: it loosens when it turns trust on ("trust" or "on"
// true, or "off" absent or false).
func TrustOn(raw json.RawMessage) bool {
	var p struct {
		Trust *bool `json:"trust"`
		On    *bool `json:"on"`
		Off   bool  `json:"off"`
	}
	if json.Unmarshal(raw, &p) != nil {
		return true
	}
	switch {
	case p.Trust != nil:
		return *p.Trust
	case p.On != nil:
		return *p.On
	}
	return !p.Off
}

// Ambiguous reports whether an object's members at any depth repeat a name, exactly or up to
// case (Go's decoder matches names without regard to case and keeps the last), or have a name
// outside ASCII (where Unicode case folding would make more names alike; no parameter has one).
// JSON that does not read is ambiguous; no params are not.
func Ambiguous(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var walk func() bool // reads one value; true when ambiguous
	walk = func() bool {
		tok, err := dec.Token()
		if err != nil {
			return true
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				key, err := dec.Token()
				name, ok := key.(string)
				if err != nil || !ok || !ascii(name) || seen[strings.ToLower(name)] {
					return true
				}
				seen[strings.ToLower(name)] = true
				if walk() {
					return true
				}
			}
			_, err = dec.Token()
			return err != nil
		case json.Delim('['):
			for dec.More() {
				if walk() {
					return true
				}
			}
			_, err = dec.Token()
			return err != nil
		}
		return false
	}
	return walk()
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// RuleChange is the Rule of a per-tool rule change ({"name", "tool", "rule", "trust"}): allow
// loosens; ask loosens a tool that is denied now (denied says which are); deny never does;
// turning trust on does, turning it off does not.
func RuleChange(denied func(server, tool string) bool) Rule {
	return func(raw json.RawMessage) bool {
		var p struct {
			Name  string      `json:"name"`
			Tool  string      `json:"tool"`
			Rule  config.Rule `json:"rule"`
			Trust *bool       `json:"trust"`
		}
		if json.Unmarshal(raw, &p) != nil {
			return true
		}
		if p.Trust != nil && *p.Trust {
			return true
		}
		switch p.Rule {
		case config.RuleDeny:
			return false
		case config.RuleAsk:
			return denied(p.Name, p.Tool)
		case "":
			return p.Trust == nil // trust off tightens; no rule at all the handler refuses anyway
		}
		return true
	}
}
