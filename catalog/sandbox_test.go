package catalog

import (
	"slices"
	"testing"
)

func embeddedEntry(t *testing.T, id string) Entry {
	t.Helper()
	all, err := LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.ID() == id {
			return e
		}
	}
	t.Fatalf("no built-in entry %q", id)
	return Entry{}
}

// TestPlanSandbox: a folder question grants exactly that folder, to change or only to read as
// the entry says; servers on local files only start without network; Docker and remote
// servers get no sandbox.
func TestPlanSandbox(t *testing.T) {
	fs := embeddedEntry(t, "filesystem")
	p, err := Plan(fs, map[string]string{"allowed_directory": JoinRepeated("/srv/notes", "/srv/more")})
	if err != nil {
		t.Fatal(err)
	}
	if p.Sandbox == nil || !slices.Equal(p.Sandbox.Write, []string{"/srv/notes", "/srv/more"}) || len(p.Sandbox.Read) != 0 || p.Sandbox.Network {
		t.Errorf("filesystem's sandbox = %+v, want its two folders to change and no network", p.Sandbox)
	}
	for _, id := range []string{"memory", "everything", "sequential-thinking"} {
		p, err := Plan(embeddedEntry(t, id), nil)
		if err != nil {
			t.Fatal(err)
		}
		if p.Sandbox == nil || p.Sandbox.Network || len(p.Sandbox.Read)+len(p.Sandbox.Write) != 0 {
			t.Errorf("%s's sandbox = %+v, want nothing granted and no network", id, p.Sandbox)
		}
	}
	all, _ := LoadEmbedded()
	for _, e := range all {
		qs, err := Questions(e)
		if err != nil {
			t.Fatal(err)
		}
		answers := map[string]string{}
		for _, q := range qs {
			if q.Required {
				answers[q.Key] = "x"
				if q.Format == FormatFilepath {
					answers[q.Key] = "/srv/x"
				}
				if len(q.Choices) > 0 {
					answers[q.Key] = q.Choices[0]
				}
			}
		}
		p, err := Plan(e, answers)
		if err != nil {
			continue // entries whose answers this loop cannot make up are covered elsewhere
		}
		if (p.Runtime == RuntimeDocker || p.Remote != nil) != (p.Sandbox == nil) {
			t.Errorf("%s (%s): sandbox %+v", e.ID(), p.Runtime, p.Sandbox)
		}
		if p.Sandbox != nil && p.Sandbox.Network == e.Meta.Offline {
			t.Errorf("%s: network %v though offline is %v", e.ID(), p.Sandbox.Network, e.Meta.Offline)
		}
	}
}
