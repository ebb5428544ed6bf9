//go:build !windows

package daemon

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
)

func TestLooseningTable(t *testing.T) {
	home := config.Home(filepath.Join(t.TempDir(), "home"))
	d, err := New(Options{Home: home})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.listener.Close(); d.closePolicy(); d.unlock() })
	d.cfg = &config.Config{Servers: map[string]*config.Server{"s": {Policy: &config.Policy{Tools: map[string]config.Rule{"denied": config.RuleDeny}}}}}
	for _, tt := range []struct {
		method  string
		params  string
		loosens bool
	}{
		{api.Approve.Name, `{"id":"x"}`, true},
		{api.Approve.Name, `{"id":"x","answer":"always"}`, true},
		{api.Deny.Name, `{"id":"x"}`, false},
		{api.PolicyAccept.Name, `{"name":"s","tool":"t","fingerprint":"f"}`, true},
		{api.ConfigConfirm.Name, `{"fingerprint":"f"}`, true},
		{api.PolicySet.Name, `{"name":"s","tool":"t","rule":"allow"}`, true},
		{api.PolicySet.Name, `{"name":"s","tool":"t","rule":"ask"}`, false},
		{api.PolicySet.Name, `{"name":"s","tool":"denied","rule":"ask"}`, true},
		{api.PolicySet.Name, `{"name":"s","tool":"t","rule":"deny"}`, false},
		{api.PolicySet.Name, `{"name":"s","tool":"t","Rule":"allow","rule":"deny"}`, true}, // not one reading
		{api.PolicySet.Name, `{"name":"s","tool":"t","rule":"allow","rule":"deny"}`, true},
		{api.ServersEnable.Name, `{"name":"s","enabled":false,"Enabled":true}`, true},
		{api.ServersEnable.Name, `{"name":"s","enabled":false,"ena\u017fled":true}`, true},
		{api.PolicyTrust.Name, `{"name":"s","trust":true}`, true},
		{api.PolicyTrust.Name, `{"name":"s","trust":false}`, false},
		{api.ServersEnable.Name, `{"name":"s","enabled":true}`, true},
		{api.ServersEnable.Name, `{"name":"s","enabled":false}`, false},
		{api.ServersEnable.Name, `{"name":"s","Enabled":true}`, true},
		{api.ServersEnable.Name, `{"name":"s","enabled":"yes"}`, true},
		{api.ClientsSet.Name, `{"client":"cursor","enabled":true}`, true},
		{api.ClientsSet.Name, `{"client":"cursor","enabled":false}`, false},
		{api.ClientsImport.Name, `{"client":"cursor","dryRun":true}`, false},
		{api.ClientsImport.Name, `{"client":"cursor"}`, true},
		{api.Pause.Name, `{"paused":true}`, false},
		{api.Pause.Name, `{"paused":false}`, true},
		{api.Install.Name, `{}`, true},
		{api.Status.Name, ``, false},
		{api.Approvals.Name, ``, false},
		{api.PolicySet.Name, `not json`, true},
	} {
		got := d.loosens(tt.method, json.RawMessage(tt.params))
		if got != tt.loosens {
			t.Errorf("%s %s loosens = %v, want %v", tt.method, tt.params, got, tt.loosens)
		}
	}
}

// Every method api declares as loosening only sometimes has its rule here, and nothing else
// has one: a method added there without a rule would count as always loosening, and a rule
// left here for a method that no longer loosens would never run.
func TestEveryMethodThatLoosensSometimesHasARule(t *testing.T) {
	for _, m := range api.All {
		d := m.Describe()
		if _, ok := sometimes[d.Name]; ok != (d.Loosens == api.LoosensSometimes) {
			t.Errorf("%s: declared %v in api, a rule here: %v", d.Name, d.Loosens, ok)
		}
	}
}
