package daemon

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/clients/clienttest"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
)

const testBinary = "/opt/mcptray/bin/mcptray"

// Client files in a temporary home, for the tests of the client routes; the reconciler's own
// tests are in clients/reconcile.
var (
	write = clienttest.Write
	read  = clienttest.Read
	ours  = clienttest.Ours
)

// TestDaemonReconcilesClientFiles runs the daemon with a temporary home folder: a binding in
// config.json reaches the client's file, the change is a note on the events stream, and
// clients.list and clients.reconcile answer.
func TestDaemonReconcilesClientFiles(t *testing.T) {
	w := clienttest.NewWorld(t, "cursor")
	d, err := New(Options{Home: w.Home, Version: "test", ClientEnv: w.Env, Binary: testBinary})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() { cancel(); <-done }()
	cl := &control.Client{Path: w.Home.SocketPath()}
	notes := make(chan api.NoteKind, 64)
	go api.OpenStream(ctx, cl, api.Events, api.None{}, func(e api.Event) error {
		if e.Note != nil {
			notes <- e.Note.Kind
		}
		return nil
	})
	waitNote := func(want func(api.NoteKind) bool) {
		t.Helper()
		for {
			select {
			case k := <-notes:
				if want(k) {
					return
				}
			case <-time.After(20 * time.Second):
				t.Fatal("no such note on the events stream within 20 s")
			}
		}
	}
	waitNote(func(api.NoteKind) bool { return true }) // the config note after the snapshot: subscribed
	err = w.Home.Update(func(c *config.Config) error {
		c.Servers["a"] = &config.Server{Command: fake, NoSpare: true}
		reconcile.EnableClient(c, "cursor", nil)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	waitNote(func(k api.NoteKind) bool { return k == api.NoteClientChanged })
	res, err := api.Call(ctx, cl, api.ClientsList, api.None{})
	if err != nil || len(res.Clients) != 1 {
		t.Fatalf("clients.list: %+v, %v", res, err)
	}
	if st := res.Clients[0]; !cmp.Equal(st.Sees, []string{"a"}) || !st.Enabled || !st.NeedsRestart || st.LastChange == nil || st.LastChange.Kind != "changed" {
		t.Errorf("cursor's status %+v", st)
	}
	if diff := cmp.Diff(map[string]string{"a": "a"}, ours(t, "cursor", w.Path("cursor"))); diff != "" {
		t.Errorf("cursor's file (-want +got):\n%s", diff)
	}
	if _, err := api.Call(ctx, cl, api.ClientsReconcile, api.ClientParams{Client: "nope"}); !errors.Is(err, api.ErrNotFound) || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("reconcile of an unknown client: %v", err)
	}
	if res, err := api.Call(ctx, cl, api.ClientsReconcile, api.ClientParams{Client: "cursor"}); err != nil || len(res.Clients) != 1 {
		t.Errorf("reconcile: %+v, %v", res, err)
	}
}

// Every event of the client reconciler is published as the client note of the same name
// (client_changed for changed, …), which the AI-apps view refreshes on.
func TestEveryClientEventIsAClientNote(t *testing.T) {
	for _, k := range []reconcile.Kind{reconcile.Changed, reconcile.Healed, reconcile.Error, reconcile.GaveUp, reconcile.OK} {
		n, ok := clientNotes[k]
		if !ok || n != api.NoteKind("client_"+string(k)) || !n.IsClient() || !slices.Contains(api.NoteKinds, n) {
			t.Errorf("event %q becomes note %q", k, n)
		}
	}
}
