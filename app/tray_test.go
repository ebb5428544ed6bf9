package app

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/policy"
	"github.com/mcptray/mcptray/supervisor"
)

// menuLines renders a menu as text: one line per item, submenus indented, disabled items in
// parentheses, checked ones marked.
func menuLines(m *fyne.Menu) []string {
	var out []string
	var walk func(items []*fyne.MenuItem, indent string)
	walk = func(items []*fyne.MenuItem, indent string) {
		for _, it := range items {
			switch {
			case it.IsSeparator:
				out = append(out, indent+"---")
			case it.Disabled:
				out = append(out, indent+"("+it.Label+")")
			case it.Checked:
				out = append(out, indent+"✓ "+it.Label)
			default:
				out = append(out, indent+it.Label)
			}
			if it.ChildMenu != nil {
				walk(it.ChildMenu.Items, indent+"  ")
			}
		}
	}
	walk(m.Items, "")
	return out
}

func findItem(m *fyne.Menu, prefix string) *fyne.MenuItem {
	for _, it := range m.Items {
		if strings.HasPrefix(it.Label, prefix) {
			return it
		}
		if it.ChildMenu != nil {
			if c := findItem(it.ChildMenu, prefix); c != nil {
				return c
			}
		}
	}
	return nil
}

func TestTrayFollowsStateEvents(t *testing.T) {
	h := newTrayHarness(t, nil)
	h.events <- api.Event{Server: &supervisor.Status{Name: "beta", State: supervisor.Running, Spare: true}}
	h.events <- api.Event{Server: &supervisor.Status{Name: "alpha", State: supervisor.Failed}}
	h.until("both servers are known", func() bool { return len(h.tr.m.servers) == 2 })
	want := []string{
		"(alpha — Not working · see Logs)",
		"(beta — Running)",
		"---", "(Pending approvals (0)…)", "Open MCP Tray…", "Pause all", "---", "Quit MCP Tray",
	}
	host := h.tr.host.(*recordingHost)
	if d := cmp.Diff(want, menuLines(host.menu)); d != "" {
		t.Errorf("menu drawn (-want +got):\n%s", d)
	}
	if host.icon != trayFailing {
		t.Errorf("tray icon %v with a failed server", host.icon)
	}
	if len(h.commands()) != 0 {
		t.Errorf("the tray opened windows by itself: %+v", h.commands())
	}

	// alpha recovers, then a call waits: the icon says so, the window process starts with
	// the prompt, and the menu offers it again.
	h.events <- api.Event{Server: &supervisor.Status{Name: "alpha", State: supervisor.Running, Spare: true}}
	h.until("alpha runs", func() bool { return host.icon == trayOK })
	call := h.ask(writeCall("write_file", "/tmp/x"), writeVerdict)
	h.until("the call waits", func() bool { return h.tr.m.approvals.len() == 1 })
	if host.icon != trayApproval {
		t.Errorf("tray icon %v with a call waiting", host.icon)
	}
	if d := cmp.Diff([]command{{Show: "approvals"}}, h.commands()); d != "" {
		t.Errorf("window commands (-want +got):\n%s", d)
	}
	pending := findItem(host.menu, "Pending approvals")
	if pending.Label != "Pending approvals (1)…" || pending.Disabled {
		t.Fatalf("pending item %+v", pending)
	}
	// While its window process runs, a second call needs no command: the process shows it.
	h.ask(writeCall("write_file", "/tmp/y"), writeVerdict)
	h.until("two calls wait", func() bool { return h.tr.m.approvals.len() == 2 })
	if len(h.commands()) != 1 {
		t.Errorf("window commands %+v", h.commands())
	}
	// An idle report while calls wait does not end the window process.
	h.tr.idle(1)
	if !h.tr.windows.Running() {
		t.Error("the window process was ended with calls waiting")
	}
	for _, a := range h.broker.Pending() {
		h.broker.Answer(a.ID, policy.Deny)
	}
	h.decided(call)
	h.until("the calls leave the menu", func() bool { return h.tr.m.approvals.len() == 0 })
	h.tr.idle(1)
	if h.tr.windows.Running() {
		t.Error("an idle window process with nothing waiting was kept")
	}

	// A removed server leaves the menu.
	h.events <- api.Event{Server: &supervisor.Status{Name: "beta", State: supervisor.Stopped, Error: "removed"}}
	h.until("beta is gone", func() bool { return len(h.tr.m.servers) == 1 })
	if findItem(host.menu, "beta") != nil {
		t.Error("a removed server is still in the menu")
	}
	// Redraws happen only when the menu changes.
	draws := host.draws
	h.tr.refresh()
	if host.draws != draws {
		t.Error("an unchanged menu was drawn again")
	}
}

func TestCrashedWindowProcessComesBackForWaitingCalls(t *testing.T) {
	h := newTrayHarness(t, nil)
	h.tr.windowsExited() // nothing waits: nothing to bring back
	if len(h.commands()) != 0 {
		t.Fatalf("window commands %+v with nothing waiting", h.commands())
	}
	h.ask(writeCall("write_file", "/tmp/x"), writeVerdict)
	h.until("the prompt is asked for", func() bool { return len(h.commands()) == 1 })
	h.tr.windows.Stop() // the window process crashed
	h.tr.windowsExited()
	h.tr.windowsExited() // and again at once: no loop
	if d := cmp.Diff([]command{{Show: "approvals"}, {Show: "approvals"}}, h.commands()); d != "" {
		t.Errorf("window commands (-want +got):\n%s", d)
	}
	h.now = h.now.Add(6 * time.Second)
	h.tr.windowsExited()
	if len(h.commands()) != 3 {
		t.Errorf("no new window process 6 s later: %+v", h.commands())
	}
}

func TestTrayMenuOpensWindows(t *testing.T) {
	h := newTrayHarness(t, nil)
	findItem(h.tr.trayMenu(time.Now()), "Open MCP Tray").Action()
	h.tr.ShowWindow() // a second launch of MCP Tray
	h.until("both commands are sent", func() bool { return len(h.tr.windows.(*recordingWindows).sent) == 2 })
	if d := cmp.Diff([]command{{Show: "main"}, {Show: "main"}}, h.commands()); d != "" {
		t.Errorf("window commands (-want +got):\n%s", d)
	}
	var quit atomic.Int32
	h.tr.opts.Quit = func() { quit.Add(1) }
	item := findItem(h.tr.trayMenu(time.Now()), "Quit MCP Tray")
	item.Action()
	item.Action()
	h.until("quit is called", func() bool { return quit.Load() > 0 })
	time.Sleep(50 * time.Millisecond)
	if quit.Load() != 1 || !item.IsQuit {
		t.Errorf("Quit called %d times", quit.Load())
	}
}

func TestKubeNotesReachTheWindowProcess(t *testing.T) {
	h := newTrayHarness(t, nil)
	h.events <- api.Event{Note: &api.Note{Kind: "kube_switched", Message: `"k8s" now uses "staging".`}}
	h.until("the notification is sent", func() bool { return len(h.commands()) == 1 })
	want := command{Notify: &notice{Title: "Kubernetes context switched", Body: `"k8s" now uses "staging".`}}
	if d := cmp.Diff(want, h.commands()[0]); d != "" {
		t.Errorf("command (-want +got):\n%s", d)
	}
}

func TestPendingItemReopensThePrompt(t *testing.T) {
	tr := newTrayHarness(t, nil)
	tr.ask(writeCall("write_file", "/tmp/x"), writeVerdict)
	tr.until("the call waits", func() bool { return tr.tr.m.approvals.len() == 1 })
	findItem(tr.tr.trayMenu(time.Now()), "Pending approvals").Action()
	if got := tr.commands(); len(got) != 2 || got[1].Show != "approvals" {
		t.Fatalf("window commands %+v", got)
	}

	h := newHarness(t, nil)
	h.ask(writeCall("write_file", "/tmp/x"), writeVerdict)
	v := h.shown(1)
	v.win.Hide() // as a window manager might
	v.visible = false
	h.u.command(1, command{Show: "approvals"})
	if !v.visible {
		t.Fatal("the command did not show the prompt again")
	}
}

func TestPauseAll(t *testing.T) {
	h := newTrayHarness(t, nil)
	findItem(h.tr.trayMenu(time.Now()), "Pause all").Action()
	h.until("pause is called", func() bool { return len(h.called()) == 1 })
	if got := h.called()[0]; got != `pause {"paused":true}` {
		t.Errorf("called %s", got)
	}
	h.events <- api.Event{Note: &api.Note{Kind: "paused"}}
	h.until("the menu says paused", func() bool { return findItem(h.tr.trayMenu(time.Now()), "Resume all") != nil })
	if got := menuLines(h.tr.trayMenu(time.Now()))[0]; got != "(Paused: servers are stopped)" {
		t.Errorf("first line %q", got)
	}
	findItem(h.tr.trayMenu(time.Now()), "Resume all").Action()
	h.until("resume is called", func() bool { return len(h.called()) == 2 })
	if got := h.called()[1]; got != `pause {"paused":false}` {
		t.Errorf("called %s", got)
	}
	h.events <- api.Event{Note: &api.Note{Kind: "resumed"}}
	h.until("the menu offers pause again", func() bool { return findItem(h.tr.trayMenu(time.Now()), "Pause all") != nil })
}

func TestKubernetesContextsInTheMenu(t *testing.T) {
	kube := json.RawMessage(`{"servers":[{"server":"k8s","context":"dev","production":false,
		"contexts":[{"name":"dev","production":false},{"name":"prod-eu","production":true}]},
		{"server":"k8s-new","context":"","production":false,"problem":"Choose a Kubernetes context for k8s-new.","contexts":[]}]}`)
	h := newTrayHarness(t, kube)
	h.events <- api.Event{Server: &supervisor.Status{Name: "k8s", State: supervisor.Running, Spare: true}}
	h.events <- api.Event{Server: &supervisor.Status{Name: "k8s-new", State: supervisor.Failed}}
	h.until("the contexts are known", func() bool { _, ok := h.tr.m.kube["k8s"]; return ok && len(h.tr.m.servers) == 2 })
	got := menuLines(h.tr.trayMenu(time.Now()))
	want := []string{
		"k8s — Running · context dev", "  (Switch context)", "  ✓ dev", "  prod-eu (production)",
		"k8s-new — Not working · see Logs · no context chosen", "  (⚠ Choose a Kubernetes context for k8s-new.)", "  ---",
		"  (Switch context)", "  (No contexts in your kubeconfig)",
	}
	if d := cmp.Diff(want, got[:len(want)]); d != "" {
		t.Errorf("menu (-want +got):\n%s", d)
	}
	// Switching to production asks first, in a window, and calls nothing yet.
	findItem(h.tr.trayMenu(time.Now()), "prod-eu").Action()
	if d := cmp.Diff([]command{{Confirm: &api.KubeUseParams{Server: "k8s", Context: "prod-eu"}}}, h.commands()); d != "" {
		t.Errorf("window commands (-want +got):\n%s", d)
	}
	if c := h.called(); len(c) != 0 {
		t.Fatalf("choosing a production context called %q", c)
	}
	// A context that became production since the menu was drawn: the daemon asks for a
	// confirmation, and the tray has the window process ask the person.
	h.mu.Lock()
	h.needsYes = true
	h.mu.Unlock()
	findItem(h.tr.trayMenu(time.Now()), "dev").Action()
	h.until("the tray asks", func() bool { return len(h.commands()) == 2 })
	if d := cmp.Diff(command{Confirm: &api.KubeUseParams{Server: "k8s", Context: "dev"}}, h.commands()[1]); d != "" {
		t.Errorf("command (-want +got):\n%s", d)
	}
	h.mu.Lock()
	h.needsYes = false
	h.calls = nil
	h.mu.Unlock()
	// A context that is not production switches at once.
	findItem(h.tr.trayMenu(time.Now()), "dev").Action()
	h.until("kube.use is called again", func() bool { return len(h.called()) == 1 })
	if got := h.called()[0]; got != `kube.use {"server":"k8s","context":"dev","yes":false}` {
		t.Errorf("called %s", got)
	}
}

func TestConfirmProductionWindow(t *testing.T) {
	h := newHarness(t, nil)
	// Cancel sends nothing.
	h.u.command(1, command{Confirm: &api.KubeUseParams{Server: "k8s", Context: "prod-eu"}})
	confirm := window(t, h, "Switch to a production context?")
	if !h.u.busy() {
		t.Error("the window process would end with a confirmation open")
	}
	tapButton(t, confirm, "Cancel")
	if c := h.called(); len(c) != 0 {
		t.Fatalf("cancelling called %q", c)
	}
	if h.u.busy() {
		t.Error("the window process stays busy after the confirmation closed")
	}
	h.u.command(2, command{Confirm: &api.KubeUseParams{Server: "k8s", Context: "prod-eu"}})
	tapButton(t, window(t, h, "Switch to a production context?"), "Switch to production")
	h.until("kube.use is called", func() bool { return len(h.called()) == 1 })
	if got := h.called()[0]; got != `kube.use {"server":"k8s","context":"prod-eu","yes":true}` {
		t.Errorf("called %s", got)
	}
}

func TestMenuWithoutKubernetesSupport(t *testing.T) {
	h := newTrayHarness(t, nil) // kube.contexts is an unknown method
	h.events <- api.Event{Server: &supervisor.Status{Name: "k8s", State: supervisor.Running, Spare: true}}
	h.until("the server is known", func() bool { return len(h.tr.m.servers) == 1 && !h.tr.kubeBusy })
	if got := menuLines(h.tr.trayMenu(time.Now()))[0]; got != "(k8s — Running)" {
		t.Errorf("first line %q", got)
	}
}

func window(t *testing.T, h *harness, title string) fyne.Window {
	t.Helper()
	w := windowTitled(h, title)
	if w == nil {
		t.Fatalf("no window %q", title)
	}
	return w
}

func windowTitled(h *harness, title string) fyne.Window {
	for _, w := range h.u.fa.Driver().AllWindows() {
		if w.Title() == title {
			return w
		}
	}
	return nil
}

func tapButton(t *testing.T, w fyne.Window, label string) {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == label {
				found = x
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(w.Content())
	if found == nil {
		t.Fatalf("no button %q in %q", label, w.Title())
	}
	test.Tap(found)
}

func TestTrayIconsForEveryState(t *testing.T) {
	for _, st := range []trayState{trayIdle, trayOK, trayFailing, trayApproval} {
		// What the Linux tray host gets: a PNG.
		data, template := trayIconData(st)
		if _, err := png.Decode(bytes.NewReader(data)); err != nil || template {
			t.Errorf("state %v: not a PNG (%v) or a template (%t)", st, err, template)
		}
		// macOS: a monochrome SVG template image.
		var doc struct {
			XMLName xml.Name
			Paths   []struct{} `xml:"path"`
		}
		tmpl := icon(trayIconName(st, true))
		if err := xml.Unmarshal(tmpl.Content(), &doc); err != nil || doc.XMLName.Local != "svg" || len(doc.Paths) == 0 {
			t.Errorf("%s is not a drawable SVG: %v %+v", tmpl.Name(), err, doc)
		}
	}
	if trayIconName(trayFailing, true) == trayIconName(trayApproval, true) {
		t.Error("a failing server and a waiting call look the same in the macOS menu bar")
	}
	if bytes.Equal(first(trayIconData(trayOK)), first(trayIconData(trayFailing))) {
		t.Error("a failing server looks like a working one")
	}
}

func first(b []byte, _ bool) []byte { return b }

func TestTrayStatePrecedence(t *testing.T) {
	m := newModel()
	m.connected = true
	m.apply(api.Event{Server: &supervisor.Status{Name: "a", State: supervisor.Failed}})
	m.apply(api.Event{Approval: &policy.Event{Kind: policy.ApprovalAdded, Approval: policy.Approval{ID: "x"}}})
	if got := m.overall(); got != trayApproval {
		t.Errorf("a waiting call and a failed server show %v; the call needs the person first", got)
	}
	m.apply(api.Event{Approval: &policy.Event{Kind: policy.ApprovalResolved, Approval: policy.Approval{ID: "x"}}})
	if got := m.overall(); got != trayFailing {
		t.Errorf("after the call, %v", got)
	}
	m.apply(api.Event{Server: &supervisor.Status{Name: "a", State: supervisor.Running}})
	m.apply(api.Event{Note: &api.Note{Kind: "paused"}})
	if got := m.overall(); got != trayIdle || !m.paused {
		t.Errorf("paused shows %v", got)
	}
	m.apply(api.Event{Note: &api.Note{Kind: "resumed"}})
	if got := m.overall(); got != trayOK {
		t.Errorf("resumed shows %v", got)
	}
}

// An AI app connecting to a server starts the window process ahead of the first prompt,
// showing nothing; a window process already running and a paused MCP Tray start nothing, and
// the prepared process ends on its idle report like any other.
func TestTrayPreparesTheWindowProcessWhenAnAppConnects(t *testing.T) {
	h := newTrayHarness(t, nil)
	w := h.tr.windows.(*recordingWindows)
	connected := api.Event{Note: &api.Note{Kind: api.NoteAppConnected, Message: "files"}}
	h.events <- api.Event{Server: &supervisor.Status{Name: "files", State: supervisor.Running, Spare: true, Sessions: 1}}
	h.until("the server is known", func() bool { return len(h.tr.m.servers) == 1 })
	if len(h.commands()) != 0 {
		t.Fatalf("a session count started the window process: %+v", h.commands())
	}
	h.events <- connected
	h.until("the window process is prepared", func() bool { return len(h.commands()) == 1 })
	if d := cmp.Diff([]command{{Prepare: true}}, h.commands()); d != "" {
		t.Fatalf("window commands (-want +got):\n%s", d)
	}
	// Events are handled in order: once a marker server is known, the notes before it were.
	marker := func(name string) {
		h.events <- api.Event{Server: &supervisor.Status{Name: name, State: supervisor.Running}}
		h.until(name+" is known", func() bool { _, ok := h.tr.m.servers[name]; return ok })
	}
	h.events <- connected // it still runs: nothing more to do
	marker("m1")
	if len(h.commands()) != 1 {
		t.Fatalf("window commands %+v", h.commands())
	}
	h.tr.idle(1) // its linger passed with no window
	if w.Running() {
		t.Fatal("the prepared window process was kept after its idle report")
	}
	h.events <- api.Event{Note: &api.Note{Kind: api.NotePaused}}
	h.until("paused", func() bool { return h.tr.m.paused })
	h.events <- connected
	marker("m2")
	if len(h.commands()) != 1 || w.Running() {
		t.Fatalf("a paused MCP Tray started its window process: %+v", h.commands())
	}
}
