package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/testbin"
	"github.com/mcptray/mcptray/policy"
)

// TestInstallDialogInstallsFilesystem adds the real filesystem server from the catalog through
// the dialog: pick, answer (a required folder), install with progress, tools at the end.
func TestInstallDialogInstallsFilesystem(t *testing.T) {
	testbin.NeedNpx(t)
	// One npm cache for every run, like a person's ~/.npm (the cold case is a benchmark's).
	t.Setenv("npm_config_cache", testbin.NpmCache())
	t.Setenv("npm_config_update_notifier", "false")
	h := newWindowHarness(t)
	if err := h.home.Update(func(c *config.Config) error { c.Settings.RegistryURL = "off"; return nil }); err != nil {
		t.Fatal(err)
	}
	test.Tap(h.u.main.add)
	d := h.u.main.install
	if d == nil || d.win.Title() != InstallWindowTitle {
		t.Fatal("Add server… opened no install dialog")
	}
	h.until("the catalog is listed", func() bool { return len(d.entries) >= 20 })
	if len(d.category.Options) < 3 {
		t.Errorf("categories: %v", d.category.Options)
	}
	test.Type(d.search, "folders you pick")
	index := -1
	for i, e := range d.shown {
		if e.ID == "filesystem" {
			index = i
		}
	}
	if index < 0 {
		t.Fatalf("searching found %d entries, not filesystem", len(d.shown))
	}
	if !d.next.Disabled() {
		t.Fatal("Next is enabled before anything is picked")
	}
	d.list.Select(index)
	test.Tap(d.next)
	if len(d.fields) != 1 || !d.fields[0].q.Repeated || d.fields[0].entry == nil {
		t.Fatalf("the filesystem questions: %+v", d.fields)
	}

	// A required answer left empty: a sentence, and nothing is installed.
	test.Tap(d.install)
	if !strings.Contains(d.problem.Text, "Please fill in") {
		t.Fatalf("an empty required answer says %q", d.problem.Text)
	}
	if len(h.config().Servers) != 0 {
		t.Fatal("an install started without its required answer")
	}

	folder := t.TempDir()
	d.fields[0].entry.SetText(folder + "\n")
	test.Tap(d.install)
	if d.activity == nil || !d.activity.Visible() {
		t.Fatal("no activity indicator while installing")
	}
	h.untilFor(4*time.Minute, "the install ends", func() bool { return !d.running })
	if !strings.Contains(d.result.Text, "installed and working") {
		t.Fatalf("the install ended with %q; progress: %v", d.result.Text, texts(d.lines))
	}
	if !strings.Contains(d.result.Text, "read_file") && !strings.Contains(d.result.Text, "read_text_file") {
		t.Errorf("the result does not list the tools: %q", d.result.Text)
	}
	if len(d.lines.Objects) == 0 {
		t.Error("no progress lines were shown")
	}
	s := h.config().Servers["filesystem"]
	if s == nil || s.Source == nil || s.Source.Catalog != "filesystem" || !contains(s.Args, folder) {
		t.Fatalf("config.json has %+v", s)
	}
	test.Tap(d.close)
	h.until("the dialog is gone", func() bool { return h.u.main.install == nil })
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestInstallDialogShowsAFailure: the installer refuses a name; the dialog ends with its
// sentence, lets the person go back to the answers, and nothing is added.
func TestInstallDialogShowsAFailure(t *testing.T) {
	h := newWindowHarness(t)
	if err := h.home.Update(func(c *config.Config) error { c.Settings.RegistryURL = "off"; return nil }); err != nil {
		t.Fatal(err)
	}
	h.u.showInstall()
	d := h.u.main.install
	h.until("the catalog is listed", func() bool { return len(d.shown) > 0 })
	for i, e := range d.shown {
		if e.ID == "everything" {
			d.list.Select(i)
		}
	}
	test.Tap(d.next)
	d.name.SetText("no spaces allowed!")
	test.Tap(d.install)
	h.until("the install ends", func() bool { return !d.running })
	if d.result.Text == "" || strings.Contains(d.result.Text, "installed") || !d.back.Visible() {
		t.Fatalf("a refused install ends with %q (back visible %v)", d.result.Text, d.back.Visible())
	}
	if len(h.config().Servers) != 0 {
		t.Fatalf("a refused install left %v", h.config().Servers)
	}
	t.Logf("the dialog says: %s", d.result.Text)
	test.Tap(d.back)
	if d.win.Content() == nil || !showsText(d.win.Content(), "Name in MCP Tray") {
		t.Fatal("Change answers did not go back to the answers")
	}
}

// TestInstallDialogShowsFindingsBeforeInstall: picking an entry asks the daemon to scan its
// tools ("catalog.scan"); "Checking its tools…" and then the findings are on the answers page,
// above the Install button, before anything is installed. The control API is a stand-in that
// answers the three methods the page calls (the daemon's own scan is tested in cmd/mcptray),
// and the real daemon's "catalog.scan" refuses an unknown entry with a sentence.
func TestInstallDialogShowsFindingsBeforeInstall(t *testing.T) {
	h := newWindowHarness(t)
	if err := h.client.Call(context.Background(), "catalog.scan", daemon.ScanParams{ID: "no-such-entry-anywhere"}, nil); err == nil || !strings.Contains(sentence(err), "no server") {
		t.Errorf("scanning an unknown entry: %v", err)
	}

	sockDir, err := os.MkdirTemp("", "mt-scan-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	l, err := net.Listen("unix", filepath.Join(sockDir, "c.sock"))
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	scanned := make(chan string, 1)
	srv := control.NewServer(slog.New(slog.NewTextHandler(testLog{t}, nil)))
	srv.Handle("catalog.list", func(context.Context, json.RawMessage) (any, error) {
		return installer.ListResult{Entries: []installer.EntryView{{ID: "calc", Title: "Calc", Description: "Adds numbers."}}}, nil
	})
	srv.Handle("clients.status", func(context.Context, json.RawMessage) (any, error) { return daemon.ClientsResult{}, nil })
	srv.Handle("catalog.scan", func(ctx context.Context, raw json.RawMessage) (any, error) {
		var p daemon.ScanParams
		json.Unmarshal(raw, &p)
		scanned <- p.ID
		<-release
		return daemon.ScanResult{Tools: 2, Flagged: 1, Findings: []daemon.ScanFinding{{Tool: "add", Class: policy.ClassConcealment,
			Field: "description", Sentence: "It tells the AI model to keep something from the user (concealment, in the description)."}}}, nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { srv.Serve(ctx, l); close(served) }()
	t.Cleanup(func() { close(release); cancel(); <-served })
	h.u.opts.Client = &control.Client{Path: l.Addr().String()}

	h.u.showInstall()
	d := h.u.main.install
	h.until("the catalog is listed", func() bool { return len(d.shown) == 1 })
	d.list.Select(0)
	test.Tap(d.next)
	if id := <-scanned; id != "calc" {
		t.Fatalf("the dialog scanned %q", id)
	}
	if d.findings.Text != "Checking its tools…" || !showsText(d.win.Content(), "Checking its tools…") {
		t.Fatalf("while scanning the page says %q", d.findings.Text)
	}
	release <- struct{}{}
	h.until("the findings are shown", func() bool { return d.findings.Text != "Checking its tools…" })
	for _, want := range []string{"1 of its 2 tools may hide instructions", `start at "ask"`, "• add: It tells the AI model to keep something from the user"} {
		if !strings.Contains(d.findings.Text, want) || !showsText(d.win.Content(), d.findings.Text) {
			t.Errorf("before Install is pressed the page says %q, want %q", d.findings.Text, want)
		}
	}
	if d.running || d.install.Disabled() || len(h.config().Servers) != 0 {
		t.Fatal("something was installed before the person pressed Install")
	}
}
