package reconcile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mcptray/mcptray/config"
)

func TestNewServerSeenBy(t *testing.T) {
	cfg := &config.Config{Clients: map[string]*config.ClientBinding{
		"zed":            {Enabled: true},                          // every server
		"cursor":         {Enabled: true},                          // every server, chosen too
		"claude-desktop": {Enabled: true, Servers: []string{"fs"}}, // only those named
		"windsurf":       {Enabled: false},                         // switched off
		"unknown-app":    {Enabled: true},
	}}
	got := NewServerSeenBy(cfg, []string{"cursor", "vscode"})
	want := []string{"Cursor", "VS Code", "unknown-app", "Zed"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("NewServerSeenBy (-want +got)\n%s", d)
	}
	if got := NewServerSeenBy(&config.Config{}, nil); len(got) != 0 {
		t.Errorf("no client sees it, yet got %q", got)
	}
}
