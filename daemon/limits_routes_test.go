//go:build !windows

package daemon

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
)

// Clearing a limit or raising one loosens (only the person may); adding or lowering one
// tightens (anyone may).
func TestLimitLoosens(t *testing.T) {
	home := config.Home(filepath.Join(t.TempDir(), "home"))
	d, err := New(Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.listener.Close(); d.closePolicy(); d.unlock() })
	d.cfg = &config.Config{Servers: map[string]*config.Server{"s": {Command: "x",
		Limits: []config.Limit{{Tool: "send", Rate: "3/m", Timeout: "2s"}, {Concurrent: 2}}}}}
	for _, tt := range []struct {
		params  string
		loosens bool
	}{
		{`{"name":"s","tool":"send","clear":true}`, true},
		{`{"name":"s","clear":true}`, true},
		{`{"name":"s","tool":"other","clear":true}`, false}, // nothing there to clear
		{`{"name":"s","tool":"send","rate":"10/m"}`, true},
		{`{"name":"s","tool":"send","rate":"2/m"}`, false},
		{`{"name":"s","tool":"send","timeout":"5s"}`, true},
		{`{"name":"s","tool":"send","timeout":"1s"}`, false},
		{`{"name":"s","concurrent":3}`, true},
		{`{"name":"s","concurrent":1}`, false},
		{`{"name":"s","tool":"new","rate":"1/h"}`, false},
		{`{"name":"nope","rate":"1/h"}`, true},
		{`{"name":"s","rate":"often"}`, true},
		{`not json`, true},
	} {
		if got := d.loosens(api.PolicyLimit.Name, json.RawMessage(tt.params)); got != tt.loosens {
			t.Errorf("policy.limit %s loosens = %v, want %v", tt.params, got, tt.loosens)
		}
	}
}
