package reconcile

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/config"
)

func TestEnableAndDisableClientBindings(t *testing.T) {
	servers := map[string]*config.Server{"a": {Command: "a"}, "b": {Command: "b"}, "c": {Command: "c"}}
	tests := []struct {
		name    string
		before  *config.ClientBinding
		enable  bool
		servers []string
		want    *config.ClientBinding
	}{
		{"enable all", nil, true, nil, &config.ClientBinding{Enabled: true}},
		{"enable some", nil, true, []string{"a"}, &config.ClientBinding{Enabled: true, Servers: []string{"a"}}},
		{"enable more", &config.ClientBinding{Enabled: true, Servers: []string{"a"}}, true, []string{"b", "a"}, &config.ClientBinding{Enabled: true, Servers: []string{"a", "b"}}},
		{"all stays all", &config.ClientBinding{Enabled: true}, true, []string{"a"}, &config.ClientBinding{Enabled: true}},
		{"re-enable some", &config.ClientBinding{Servers: []string{"c"}}, true, []string{"a"}, &config.ClientBinding{Enabled: true, Servers: []string{"a"}}},
		{"disable", &config.ClientBinding{Enabled: true, Servers: []string{"a"}}, false, nil, &config.ClientBinding{Servers: []string{"a"}}},
		{"disable one of all", &config.ClientBinding{Enabled: true}, false, []string{"b"}, &config.ClientBinding{Enabled: true, Servers: []string{"a", "c"}}},
		{"disable the last", &config.ClientBinding{Enabled: true, Servers: []string{"a"}}, false, []string{"a"}, &config.ClientBinding{}},
		{"disable absent", nil, false, nil, &config.ClientBinding{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &config.Config{Servers: servers}
			if tt.before != nil {
				c.Clients = map[string]*config.ClientBinding{"cursor": tt.before}
			}
			if tt.enable {
				EnableClient(c, "cursor", tt.servers)
			} else {
				DisableClient(c, "cursor", tt.servers)
			}
			got := c.Clients["cursor"]
			if got.Enabled != tt.want.Enabled || !cmp.Equal(got.Servers, tt.want.Servers) {
				t.Errorf("got %+v, want %+v", *got, *tt.want)
			}
		})
	}
}
