package app

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/installer"
)

// withoutPythonTools is a runtime lookup on a computer with Node.js and Docker but no uv.
func withoutPythonTools(command string) error {
	if command == string(catalog.RuntimeUVX) {
		return errors.New("uvx not found")
	}
	return nil
}

// shownIDs lists the catalog ids of the welcome window's cards, in order, by their titles.
func shownIDs(w *welcomeWindow, entries []installer.EntryView) []string {
	var ids []string
	for _, card := range w.servers.Objects {
		ct := texts(card)
		if len(ct) == 0 {
			return nil
		}
		i := slices.IndexFunc(entries, func(e installer.EntryView) bool { return entryTitle(e) == ct[0] })
		if i < 0 {
			return nil
		}
		ids = append(ids, entries[i].ID)
	}
	return ids
}

// On a computer without Python tools the welcome window does not suggest Fetch (it needs
// them), and the next built-in entry takes its place. The built-in catalog is listed as the
// daemon lists it (installer.Views) with a runtime lookup that finds no uvx, whatever this
// computer has; the stand-in daemon answers only the two methods the window calls.
func TestWelcomeDoesNotSuggestAServerWithoutItsRuntime(t *testing.T) {
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	entries := installer.Views(c.Entries(), nil, withoutPythonTools)
	fetch := slices.IndexFunc(entries, func(e installer.EntryView) bool { return e.ID == "fetch" })
	if fetch < 0 || entries[fetch].RuntimeMissing == "" {
		t.Fatalf("the catalog's Fetch entry does not need Python tools: %+v", entries[fetch])
	}
	h := newStandInHarness(t, func(srv *control.Server) {
		srv.Handle(api.CatalogList.Name, func(context.Context, json.RawMessage) (any, error) {
			return installer.ListResult{Entries: entries}, nil
		})
		srv.Handle(api.ClientsStatus.Name, func(context.Context, json.RawMessage) (any, error) { return api.ClientsResult{}, nil })
	})
	h.u.showWelcome()
	w := h.u.welcome
	var got []string
	h.until("three suggestions this computer can run", func() bool {
		got = shownIDs(w, entries)
		return len(got) == suggestions && !slices.Contains(got, "fetch")
	})
	if got[0] != "filesystem" || got[1] != "memory" {
		t.Errorf("suggested %q, want filesystem, memory and the next entry", got)
	}
	third := entries[slices.IndexFunc(entries, func(e installer.EntryView) bool { return e.ID == got[2] })]
	if third.RuntimeMissing != "" || third.Origin != "built-in" || asksSecret(third) {
		t.Errorf("the third suggestion %s cannot run here, is not built in, or asks for a key: %+v", third.ID, third)
	}
}

// Against the real daemon, whatever this computer has: no suggested server is one the
// daemon's catalog says cannot run here.
func TestWelcomeSuggestsOnlyWhatTheDaemonCanRun(t *testing.T) {
	h := newWindowHarness(t)
	res, err := api.Call(context.Background(), h.client, api.CatalogList, installer.ListParams{})
	if err != nil {
		t.Fatal(err)
	}
	h.u.showWelcome()
	w := h.u.welcome
	var got []string
	h.until("the suggestions are loaded", func() bool {
		got = shownIDs(w, res.Entries)
		return len(got) == suggestions
	})
	for _, id := range got {
		e := res.Entries[slices.IndexFunc(res.Entries, func(e installer.EntryView) bool { return e.ID == id })]
		if e.RuntimeMissing != "" {
			t.Errorf("the welcome window suggests %s, which cannot run here: %s", id, e.RuntimeMissing)
		}
	}
	t.Logf("suggested here: %q", got)
}

func TestPickSuggestions(t *testing.T) {
	node := func(id string) installer.EntryView {
		return installer.EntryView{ID: id, Origin: "built-in", Runtime: "node"}
	}
	noUV := installer.EntryView{ID: "fetch", Origin: "built-in", Runtime: "python", RuntimeMissing: catalog.RuntimeUVX.InstallHint()}
	keyed := node("github")
	keyed.Questions = []installer.QuestionView{{Key: "GITHUB_TOKEN", Secret: true, Required: true}}
	noNode := func(e installer.EntryView) installer.EntryView {
		e.RuntimeMissing = catalog.RuntimeNPX.InstallHint()
		return e
	}
	registry := node("io.github.x/y")
	registry.Origin = "registry"
	for _, tc := range []struct {
		name    string
		entries []installer.EntryView
		want    []string
		hint    string
	}{
		{"all can run", []installer.EntryView{node("a"), node("filesystem"), {ID: "fetch", Origin: "built-in"}, node("memory")},
			[]string{"filesystem", "fetch", "memory"}, ""},
		{"no Python tools", []installer.EntryView{node("filesystem"), noUV, node("memory"), keyed, registry, node("git")},
			[]string{"filesystem", "memory", "git"}, ""},
		{"no Node.js either", []installer.EntryView{noNode(node("filesystem")), noUV, noNode(node("memory")), noNode(node("git"))},
			nil, catalog.RuntimeNPX.InstallHint()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range pickSuggestions(tc.entries) {
				got = append(got, e.ID)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("pickSuggestions (-want +got):\n%s", diff)
			}
			if hint := missingRuntime(tc.entries); len(got) == 0 && hint != tc.hint {
				t.Errorf("missingRuntime = %q, want %q", hint, tc.hint)
			}
		})
	}
}
