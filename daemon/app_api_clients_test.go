package daemon

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/keychain"
)

// TestClientsImportSetRestore drives the Clients tab's routes against a real Cursor file in a
// temporary HOME and the real keychain.
func TestClientsImportSetRestore(t *testing.T) {
	h := startApp(t)
	c, _ := clients.ByID("cursor")
	path := c.Paths(h.env)[0]
	name := "apptest-" + strings.ToLower(filepath.Base(h.dir))
	token := "ghp_" + strings.Repeat("zQ9", 12)
	original := `{
  "mcpServers": {
    "` + name + `": {"command": "npx", "args": ["-y", "server-github"], "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "` + token + `"}}
  }
}
`
	write(t, path, original)
	store := keychain.System(keychain.Options{})
	t.Cleanup(func() { store.Delete(context.Background(), name, "GITHUB_PERSONAL_ACCESS_TOKEN") })

	var plan api.ClientImportResult
	callOK(t, h, api.ClientsImport, api.ClientImportParams{Client: "cursor", DryRun: true}, &plan)
	want := []api.ClientImportEntry{{Key: name, Name: name, Path: path, Command: []string{"npx", "-y", "server-github"}, Secrets: []string{"GITHUB_PERSONAL_ACCESS_TOKEN"}}}
	if diff := cmp.Diff(want, plan.Servers); diff != "" || plan.Done {
		t.Fatalf("import plan (done %v) (-want +got):\n%s", plan.Done, diff)
	}
	if read(t, path) != original {
		t.Fatal("a dry run changed the file")
	}

	var done api.ClientImportResult
	callOK(t, h, api.ClientsImport, api.ClientImportParams{Client: "cursor"}, &done)
	if !done.Done || len(done.Backups) == 0 || done.Clients == nil {
		t.Fatalf("import: %+v", done)
	}
	if st := clientByID(*done.Clients, "cursor"); !st.Enabled || !cmpStrings(st.Wants, []string{name}) {
		t.Errorf("the import's status of Cursor: %+v", st)
	}
	var fresh reconcile.ClientsResult
	callOK(t, h, api.ClientsStatus, api.None{}, &fresh)
	if st := clientByID(fresh, "cursor"); !st.Enabled {
		t.Errorf("clients.status right after the import: %+v", st)
	}
	if v, err := store.Get(context.Background(), name, "GITHUB_PERSONAL_ACCESS_TOKEN"); err != nil || v != token {
		t.Fatalf("the keychain holds %q, %v", v, err)
	}
	if strings.Contains(read(t, path), token) {
		t.Fatal("the token is still in Cursor's file")
	}

	// Another server, then Cursor limited to it: the imported one leaves Cursor's file.
	h.add(t, "other", &config.Server{Command: fake})
	var status reconcile.ClientsResult
	callOK(t, h, api.ClientsSet, api.ClientSetParams{Client: "cursor", Enabled: true, Servers: []string{"other"}}, &status)
	if b := h.config(t).Clients["cursor"]; !b.Enabled || !cmp.Equal(b.Servers, []string{"other"}) {
		t.Fatalf("cursor binding after clients.set: %+v", b)
	}
	if diff := cmp.Diff(map[string]string{"other": "other"}, ours(t, "cursor", path)); diff != "" {
		t.Errorf("Cursor's entries after clients.set (-want +got):\n%s", diff)
	}
	callOK(t, h, api.ClientsSet, api.ClientSetParams{Client: "cursor", Enabled: false}, &status)
	if diff := cmp.Diff(map[string]string{}, ours(t, "cursor", path)); diff != "" {
		t.Errorf("Cursor's entries after turning it off (-want +got):\n%s", diff)
	}
	if msg := callFails(t, h, api.ClientsSet, api.ClientSetParams{Client: "cursor", Enabled: true, Servers: []string{"nope"}}); !strings.Contains(msg, `no server named "nope"`) {
		t.Errorf("clients.set with an unknown server: %q", msg)
	}
	if msg := callFails(t, h, api.ClientsSet, api.ClientSetParams{Client: "notepad", Enabled: true}); !strings.Contains(msg, `does not know an AI client called "notepad"`) {
		t.Errorf("clients.set with an unknown client: %q", msg)
	}

	var restored api.ClientRestoreResult
	callOK(t, h, api.ClientsRestore, api.ClientParams{Client: "cursor"}, &restored)
	if len(restored.Files) == 0 {
		t.Fatalf("restore: %+v", restored)
	}
	// Restore goes one backup back per call; the oldest is the person's file as it was.
	for range 5 {
		if read(t, path) == original {
			break
		}
		if callInto(context.Background(), h.client, api.ClientsRestore, api.ClientParams{Client: "cursor"}, &restored) != nil {
			break
		}
	}
	if got := read(t, path); got != original {
		t.Errorf("after restore Cursor's file is:\n%s", got)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

func clientByID(res reconcile.ClientsResult, id string) reconcile.ClientStatus {
	for _, c := range res.Clients {
		if c.ID == id {
			return c
		}
	}
	return reconcile.ClientStatus{}
}

func cmpStrings(a, b []string) bool { return cmp.Equal(a, b) }
