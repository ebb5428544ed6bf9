package authority

import (
	"encoding/json"
	"testing"
)

// The rules read params as the handler's decoder does, and count what does not read one way
// only as loosening.
func TestRules(t *testing.T) {
	enabled := Field("enabled", true)
	for _, tt := range []struct {
		what   string
		rule   Rule
		params string
		want   bool
	}{
		{"no rule", nil, `{"enabled":true}`, false},
		{"always", Always, ``, true},
		{"field set", enabled, `{"enabled":true}`, true},
		{"field unset", enabled, `{"enabled":false}`, false},
		{"field absent", enabled, `{}`, false},
		{"field in another case", enabled, `{"Enabled":true}`, true},
		{"field not a boolean", enabled, `{"enabled":"yes"}`, true},
		{"field twice up to case", enabled, `{"enabled":false,"ENABLED":true}`, true},
		{"a name outside ASCII", enabled, `{"enabled":false,"ena\u017fled":true}`, true},
		{"a repeat deeper down", enabled, `{"enabled":false,"x":[{"a":1,"a":2}]}`, true},
		{"not JSON", enabled, `{"enabled":`, true},
		{"loose when false", Field("dryRun", false), `{}`, true},
		{"trust on", TrustOn, `{"trust":true}`, true},
		{"trust off", TrustOn, `{"trust":false}`, false},
		{"on", TrustOn, `{"on":true}`, true},
		{"off", TrustOn, `{"off":true}`, false},
		{"trust with nothing said", TrustOn, `{}`, true},
	} {
		if got := Loosens(tt.rule, json.RawMessage(tt.params)); got != tt.want {
			t.Errorf("%s: %s loosens = %v, want %v", tt.what, tt.params, got, tt.want)
		}
	}
}
