package reconcile

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestChangesSinceNamesWhatEachFileGainedAndLost(t *testing.T) {
	before := ClientStatus{Files: []ClientFile{
		{Path: "/a.json", Servers: []string{"fs", "git"}},
		{Path: "/b.json", Servers: []string{"fs"}},
		{Path: "/c.json", Servers: []string{"fs"}},
	}}
	after := ClientStatus{Files: []ClientFile{
		{Path: "/a.json", Servers: []string{"git", "notes", "web"}, Renamed: map[string]string{"web": "web-mcptray", "git": "git-2"}},
		{Path: "/b.json", Servers: []string{"fs"}},                 // unchanged
		{Path: "/c.json", Error: "The file is not JSON."},          // left alone
		{Path: "/new.json", Servers: []string{"fs"}, Exists: true}, // not there before
	}}
	want := []FileChange{
		{Path: "/a.json", Added: []string{"notes", "web"}, Removed: []string{"fs"}, Renamed: map[string]string{"web": "web-mcptray"}},
		{Path: "/new.json", Added: []string{"fs"}},
	}
	if d := cmp.Diff(want, after.ChangesSince(before)); d != "" {
		t.Errorf("ChangesSince (-want +got)\n%s", d)
	}
	if got := after.Problem(); got != "The file is not JSON." {
		t.Errorf("Problem = %q", got)
	}
	if got := before.Problem(); got != "" {
		t.Errorf("Problem without errors = %q", got)
	}
}
