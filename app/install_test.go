package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/testbin"
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
