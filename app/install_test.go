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

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/control"
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
	test.Tap(d.toPlan)
	if !strings.Contains(d.problem.Text, "Please fill in") {
		t.Fatalf("an empty required answer says %q", d.problem.Text)
	}
	if len(h.config().Servers) != 0 {
		t.Fatal("an install started without its required answer")
	}

	folder := t.TempDir()
	d.fields[0].entry.SetText(folder + "\n")
	test.Tap(d.toPlan)
	h.until("the plan is shown", func() bool { return d.win.Content() != d.answers && d.install != nil })
	if !showsText(d.win.Content(), "What will run") || d.install.Disabled() {
		t.Fatalf("the review page of the built-in filesystem: %q (Install disabled %v)", texts(d.win.Content()), d.install.Disabled())
	}
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
	test.Type(d.search, "everything") // a test server: listed when named exactly
	for i, e := range d.shown {
		if e.ID == "everything" {
			d.list.Select(i)
		}
	}
	test.Tap(d.next)
	d.name.SetText("no spaces allowed!")
	test.Tap(d.toPlan)
	h.until("the plan is shown", func() bool { return d.win.Content() != d.answers })
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
// above the Next button, before anything is installed. The control API is a stand-in that
// answers the three methods the page calls (the daemon's own scan is tested in cmd/mcptray),
// and the real daemon's "catalog.scan" refuses an unknown entry with a sentence.
func TestInstallDialogShowsFindingsBeforeInstall(t *testing.T) {
	real := newWindowHarness(t)
	if _, err := api.Call(context.Background(), real.client, api.CatalogScan, api.ScanParams{ID: "no-such-entry-anywhere"}); err == nil || !strings.Contains(sentence(err), "no server") {
		t.Errorf("scanning an unknown entry: %v", err)
	}

	release := make(chan struct{})
	scanned := make(chan string, 1)
	h := newStandInHarness(t, func(srv *control.Server) {
		srv.Handle(api.CatalogList.Name, func(context.Context, json.RawMessage) (any, error) {
			return installer.ListResult{Entries: []installer.EntryView{{ID: "calc", Title: "Calc", Description: "Adds numbers."}}}, nil
		})
		srv.Handle(api.ClientsStatus.Name, func(context.Context, json.RawMessage) (any, error) { return api.ClientsResult{}, nil })
		srv.Handle(api.CatalogScan.Name, func(ctx context.Context, raw json.RawMessage) (any, error) {
			var p api.ScanParams
			json.Unmarshal(raw, &p)
			scanned <- p.ID
			<-release
			return api.ScanResult{Tools: 2, Flagged: 1, Findings: []api.ScanFinding{{Tool: "add", Class: policy.ClassConcealment,
				Field: "description", Sentence: "It tells the AI model to keep something from the user (concealment, in the description)."}}}, nil
		})
	})
	t.Cleanup(func() { close(release) })

	h.u.showInstall()
	d := h.u.window().install
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
	if d.running || d.toPlan.Disabled() || d.install != nil {
		t.Fatal("the dialog moved on before the person pressed Next")
	}
}

// newStandInHarness is the window process's GUI against a stand-in daemon that answers only
// the methods setup registers, for pages whose daemon side is tested elsewhere.
func newStandInHarness(t *testing.T, setup func(srv *control.Server)) *windowHarness {
	t.Helper()
	sockDir, err := os.MkdirTemp("", "mt-plan-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	l, err := net.Listen("unix", filepath.Join(sockDir, "c.sock"))
	if err != nil {
		t.Fatal(err)
	}
	srv := control.NewServer(slog.New(slog.NewTextHandler(testLog{t}, nil)))
	setup(srv)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { srv.Serve(ctx, l); close(served) }()
	h := &windowHarness{t: t, fa: test.NewTempApp(t), queue: make(chan func(), 4096)}
	h.client = &control.Client{Path: l.Addr().String()}
	h.u = New(h.fa, Options{Client: h.client, Version: "test"})
	h.u.do = func(f func()) { h.queue <- f }
	h.u.notify = func(*fyne.Notification) {}
	t.Cleanup(func() {
		if d := h.u.window().install; d != nil {
			d.cancel()
			d.stopScan()
		}
		cancel()
		<-served
		h.u.approvals.stopTicking()
		h.u.files.Wait()
	})
	return h
}

// TestInstallDialogShowsWhatWillRunAndWaitsForConsent: after the answers, the dialog asks for
// the plan with the secret replaced by a placeholder, says the entry only imitates a built-in
// one and comes from the registry, folds the exact command (escaped) under one click, and
// keeps Install disabled until each hazard's own "Allow this" is checked; the install then
// carries exactly those keys in Request.Allow and the real secret.
func TestInstallDialogShowsWhatWillRunAndWaitsForConsent(t *testing.T) {
	const secret = "ghp_do-not-preview-me"
	entry := installer.EntryView{ID: "io.github.evil/fi1esystem", Title: "fi1esystem", Description: "Files.", Origin: "registry", LookAlike: "filesystem",
		Questions: []installer.QuestionView{{Key: "GITHUB_TOKEN", Title: "Token", Secret: true, Required: true}}}
	plan := installer.PlanView{Server: "fi1esystem", Command: "npx", Origin: "registry", LookAlike: "filesystem",
		Args:    []string{"-y", "--registry=http://127.0.0.1:9/", "@evil/fs@1.0.0", "x\x1b[2Ky"},
		Env:     map[string]string{"NODE_OPTIONS": "--require /tmp/hook.js", "MODE": "fast"},
		Secrets: []string{"GITHUB_TOKEN"},
		Hazards: []installer.HazardView{
			{Key: "arg:--registry", Item: "--registry=http://127.0.0.1:9/", Reason: "It fetches the package from another npm registry than the one the entry names."},
			{Key: "env:NODE_OPTIONS", Item: "NODE_OPTIONS=--require /tmp/hook.js", Reason: "It makes Node.js load extra code or change how it runs."},
		}}
	planned := make(chan installer.PlanParams, 4)
	installed := make(chan installer.Request, 1)
	h := newStandInHarness(t, func(srv *control.Server) {
		srv.Handle(api.CatalogList.Name, func(context.Context, json.RawMessage) (any, error) {
			return installer.ListResult{Entries: []installer.EntryView{entry}}, nil
		})
		srv.Handle(api.ClientsStatus.Name, func(context.Context, json.RawMessage) (any, error) { return api.ClientsResult{}, nil })
		srv.Handle(api.CatalogScan.Name, func(context.Context, json.RawMessage) (any, error) { return api.ScanResult{Tools: 3}, nil })
		srv.Handle(api.CatalogPlan.Name, func(_ context.Context, raw json.RawMessage) (any, error) {
			var p installer.PlanParams
			json.Unmarshal(raw, &p)
			planned <- p
			return plan, nil
		})
		srv.HandleStream(api.Install.Name, func(_ context.Context, raw json.RawMessage, send func(any) error) error {
			var r installer.Request
			json.Unmarshal(raw, &r)
			installed <- r
			send(installer.Progress{Step: installer.StepDownloading, Message: "Fetching x\x1b[2Ky."})
			return send(installer.Progress{Step: installer.StepFailed, Message: "Stopped here by the test\u202e."})
		})
	})

	h.u.showInstall()
	d := h.u.window().install
	h.until("the catalog is listed", func() bool { return len(d.shown) == 1 })
	d.list.Select(0)
	test.Tap(d.next)
	test.Tap(d.toPlan)
	if !strings.Contains(d.problem.Text, "Please fill in") || len(planned) != 0 {
		t.Fatalf("without the required secret the page says %q and asked for %d plans", d.problem.Text, len(planned))
	}
	d.fields[0].entry.SetText(secret)
	test.Tap(d.toPlan)
	h.until("the plan is shown", func() bool { return d.install != nil && showsText(d.win.Content(), "Check what will run") })
	if p := <-planned; p.ID != entry.ID || p.Values["GITHUB_TOKEN"] != secretPlaceholder {
		t.Fatalf("catalog.plan was asked with %+v; want the entry and the secret as a placeholder", p)
	}
	// The tool scan answers on its own time; the page shows it once it has.
	h.until("the scan's answer is on the review page", func() bool {
		return showsText(d.win.Content(), "No hidden instructions found in its 3 tools.")
	})
	page := d.win.Content()
	for _, want := range []string{
		"This is not MCP Tray's filesystem server; its name only looks like it.",
		"From the public MCP Registry, not checked by MCP Tray.",
		"What will run: npx with 4 arguments",
		"MCP Tray refuses these 2 unless you allow each one:",
		"--registry=http://127.0.0.1:9/", "It fetches the package from another npm registry than the one the entry names.",
		"NODE_OPTIONS=--require /tmp/hook.js", "It makes Node.js load extra code or change how it runs.",
		"Allow each of the 2 items in red above to install it, or go back.",
		"No hidden instructions found in its 3 tools.",
	} {
		if !showsText(page, want) {
			t.Errorf("the review page does not show %q; it shows %q", want, texts(page))
		}
	}
	command := `npx -y --registry=http://127.0.0.1:9/ @evil/fs@1.0.0 'x\x1b[2Ky'`
	if showsText(page, command) {
		t.Error("the command is shown unfolded")
	}
	acc := findAccordion(page)
	if acc == nil {
		t.Fatal("no folded section on the review page")
	}
	acc.Open(0)
	for _, want := range []string{command, "MODE=fast", "NODE_OPTIONS='--require /tmp/hook.js'", "GITHUB_TOKEN — kept in your keychain"} {
		if !showsText(page, want) {
			t.Errorf("expanded, the page does not show %q; it shows %q", want, texts(page))
		}
	}
	if showsText(page, secret) {
		t.Fatal("the secret is on the review page")
	}

	checks := allowChecks(page)
	if len(checks) != 2 {
		t.Fatalf("%d Allow this boxes for 2 hazards", len(checks))
	}
	for _, c := range checks {
		if c.Checked {
			t.Fatal("an Allow this box starts checked")
		}
	}
	if !d.install.Disabled() {
		t.Fatal("Install is enabled before any hazard is allowed")
	}
	test.Tap(checks[1])
	if !d.install.Disabled() || !showsText(page, "Allow the item in red above") {
		t.Fatal("Install is enabled with one hazard still refused")
	}
	test.Tap(d.install)
	if len(installed) != 0 || d.running {
		t.Fatal("Install ran with a hazard not allowed")
	}
	test.Tap(checks[0])
	if d.install.Disabled() || showsText(page, "Allow the item") {
		t.Fatal("Install stays disabled with every hazard allowed")
	}

	// Going back and forward again asks again: nothing stays allowed.
	test.Tap(findButton(page, "Back"))
	if d.win.Content() != d.answers {
		t.Fatal("Back did not return to the answers")
	}
	test.Tap(d.toPlan)
	h.until("the plan is shown again", func() bool { return d.win.Content() != d.answers })
	<-planned
	if !d.install.Disabled() {
		t.Fatal("hazards allowed on an earlier visit of the page are still allowed")
	}
	for _, c := range allowChecks(d.win.Content()) {
		test.Tap(c)
	}
	test.Tap(d.install)
	r := <-installed
	if diff := cmp.Diff([]string{"arg:--registry", "env:NODE_OPTIONS"}, r.Allow); diff != "" || r.Values["GITHUB_TOKEN"] != secret || r.ID != entry.ID {
		t.Errorf("the install was asked with %+v (allow -want +got:\n%s)", r, diff)
	}
	h.until("the install ends", func() bool { return !d.running })
	for _, want := range []string{`Fetching x\x1b[2Ky.`, `Stopped here by the test\u202e.`} {
		if !showsText(d.win.Content(), want) {
			t.Errorf("the progress page does not show %q escaped: %q", want, texts(d.win.Content()))
		}
	}
	for _, text := range texts(d.win.Content()) {
		if strings.ContainsAny(text, "\x1b\u202e") {
			t.Errorf("a raw control character reached the progress page: %q", text)
		}
	}
	test.Tap(d.back)
	if d.win.Content() != d.answers {
		t.Fatal("Change answers did not return to the answers")
	}
}

// findAccordion is the first visible accordion under o.
func findAccordion(o fyne.CanvasObject) *widget.Accordion {
	var acc *widget.Accordion
	walkVisible(o, func(o fyne.CanvasObject) bool {
		if a, ok := o.(*widget.Accordion); ok && acc == nil {
			acc = a
		}
		return acc == nil
	})
	return acc
}

// allowChecks are the visible "Allow this" boxes under o, in order.
func allowChecks(o fyne.CanvasObject) []*widget.Check {
	var out []*widget.Check
	walkVisible(o, func(o fyne.CanvasObject) bool {
		if c, ok := o.(*widget.Check); ok && c.Text == "Allow this" {
			out = append(out, c)
		}
		return true
	})
	return out
}
