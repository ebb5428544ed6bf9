package app

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/google/go-cmp/cmp"

	"github.com/mcptray/mcptray/daemon"
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
	h := newHarness(t, nil)
	now := time.Now()
	h.events <- daemon.Event{Server: &supervisor.Status{Name: "beta", State: supervisor.Running, Spare: true}}
	h.events <- daemon.Event{Server: &supervisor.Status{Name: "alpha", State: supervisor.Failed}}
	h.until("both servers are known", func() bool { return len(h.u.m.servers) == 2 })
	want := []string{
		"(alpha — Not working · see Logs)",
		"(beta — Running)",
		"---", "(Pending approvals (0)…)", "Open MCP Tray…", "Pause all", "---", "Quit MCP Tray",
	}
	if d := cmp.Diff(want, menuLines(h.u.trayMenu(now))); d != "" {
		t.Errorf("menu (-want +got):\n%s", d)
	}
	if got := h.u.m.overall(); got != trayFailing {
		t.Errorf("tray state %v with a failed server", got)
	}
	// The main window's list follows too.
	if got := texts(h.u.main.win.Content()); !slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "alpha") }) {
		t.Errorf("the main window does not list alpha: %q", got)
	}

	// alpha recovers, then a call waits: the icon says so and the menu opens the prompt.
	h.events <- daemon.Event{Server: &supervisor.Status{Name: "alpha", State: supervisor.Running, Spare: true}}
	h.until("alpha runs", func() bool { return h.u.m.overall() == trayOK })
	h.ask(writeCall("write_file", "/tmp/x"), writeVerdict)
	h.until("the call waits", func() bool { return h.u.m.approvals.len() == 1 })
	if got := h.u.m.overall(); got != trayApproval {
		t.Errorf("tray state %v with a call waiting", got)
	}
	pending := findItem(h.u.trayMenu(now), "Pending approvals")
	if pending.Label != "Pending approvals (1)…" || pending.Disabled {
		t.Fatalf("pending item %+v", pending)
	}
	v := h.shown(1)
	v.closeRequested() // the person closes the prompt…
	h.until("the call is denied", func() bool { return h.u.m.approvals.len() == 0 })

	// A removed server leaves the menu.
	h.events <- daemon.Event{Server: &supervisor.Status{Name: "beta", State: supervisor.Stopped, Error: "removed"}}
	h.until("beta is gone", func() bool { return len(h.u.m.servers) == 1 })
	if findItem(h.u.trayMenu(now), "beta") != nil {
		t.Error("a removed server is still in the menu")
	}
}

func TestPendingItemReopensThePrompt(t *testing.T) {
	h := newHarness(t, nil)
	h.ask(writeCall("write_file", "/tmp/x"), writeVerdict)
	v := h.shown(1)
	v.win.Hide() // as a window manager might
	v.visible = false
	findItem(h.u.trayMenu(time.Now()), "Pending approvals").Action()
	if !v.visible {
		t.Fatal("the menu item did not show the prompt again")
	}
}

func TestPauseAll(t *testing.T) {
	h := newHarness(t, nil)
	findItem(h.u.trayMenu(time.Now()), "Pause all").Action()
	h.until("pause is called", func() bool { return len(h.called()) == 1 })
	if got := h.called()[0]; got != `pause {"paused":true}` {
		t.Errorf("called %s", got)
	}
	h.events <- daemon.Event{Note: &daemon.Note{Kind: "paused"}}
	h.until("the menu says paused", func() bool { return findItem(h.u.trayMenu(time.Now()), "Resume all") != nil })
	if got := menuLines(h.u.trayMenu(time.Now()))[0]; got != "(Paused: servers are stopped)" {
		t.Errorf("first line %q", got)
	}
	findItem(h.u.trayMenu(time.Now()), "Resume all").Action()
	h.until("resume is called", func() bool { return len(h.called()) == 2 })
	if got := h.called()[1]; got != `pause {"paused":false}` {
		t.Errorf("called %s", got)
	}
	h.events <- daemon.Event{Note: &daemon.Note{Kind: "resumed"}}
	h.until("the menu offers pause again", func() bool { return findItem(h.u.trayMenu(time.Now()), "Pause all") != nil })
}

func TestKubernetesContextsInTheMenu(t *testing.T) {
	h := newHarness(t, json.RawMessage(`{"servers":[{"server":"k8s","context":"dev","production":false,
		"contexts":[{"name":"dev","production":false},{"name":"prod-eu","production":true}]},
		{"server":"k8s-new","context":"","production":false,"problem":"Choose a Kubernetes context for k8s-new.","contexts":[]}]}`))
	h.events <- daemon.Event{Server: &supervisor.Status{Name: "k8s", State: supervisor.Running, Spare: true}}
	h.events <- daemon.Event{Server: &supervisor.Status{Name: "k8s-new", State: supervisor.Failed}}
	h.until("the contexts are known", func() bool { _, ok := h.u.m.kube["k8s"]; return ok && len(h.u.m.servers) == 2 })
	got := menuLines(h.u.trayMenu(time.Now()))
	want := []string{
		"k8s — Running · context dev", "  (Switch context)", "  ✓ dev", "  prod-eu (production)",
		"k8s-new — Not working · see Logs · no context chosen", "  (⚠ Choose a Kubernetes context for k8s-new.)", "  ---",
		"  (Switch context)", "  (No contexts in your kubeconfig)",
	}
	if d := cmp.Diff(want, got[:len(want)]); d != "" {
		t.Errorf("menu (-want +got):\n%s", d)
	}
	// Switching to production asks first; Cancel sends nothing.
	findItem(h.u.trayMenu(time.Now()), "prod-eu").Action()
	confirm := window(t, h, "Switch to a production context?")
	tapButton(t, confirm, "Cancel")
	if c := h.called(); len(c) != 0 {
		t.Fatalf("cancelling called %q", c)
	}
	findItem(h.u.trayMenu(time.Now()), "prod-eu").Action()
	tapButton(t, window(t, h, "Switch to a production context?"), "Switch to production")
	h.until("kube.use is called", func() bool { return len(h.called()) == 1 })
	if got := h.called()[0]; got != `kube.use {"server":"k8s","context":"prod-eu","yes":true}` {
		t.Errorf("called %s", got)
	}
	// A context that became production since the menu was drawn: the daemon asks for a
	// confirmation, and the GUI asks the person.
	h.mu.Lock()
	h.needsYes = true
	h.mu.Unlock()
	findItem(h.u.trayMenu(time.Now()), "dev").Action()
	h.until("the GUI asks", func() bool { return windowTitled(h, "Switch to a production context?") != nil })
	tapButton(t, window(t, h, "Switch to a production context?"), "Cancel")
	h.mu.Lock()
	h.needsYes = false
	h.calls = nil
	h.mu.Unlock()
	// A context that is not production switches at once.
	findItem(h.u.trayMenu(time.Now()), "dev").Action()
	h.until("kube.use is called again", func() bool { return len(h.called()) == 1 })
	if got := h.called()[0]; got != `kube.use {"server":"k8s","context":"dev"}` {
		t.Errorf("called %s", got)
	}
}

func TestMenuWithoutKubernetesSupport(t *testing.T) {
	h := newHarness(t, nil) // kube.contexts is an unknown method
	h.events <- daemon.Event{Server: &supervisor.Status{Name: "k8s", State: supervisor.Running, Spare: true}}
	h.until("the server is known", func() bool { return len(h.u.m.servers) == 1 && !h.u.kubeBusy })
	if got := menuLines(h.u.trayMenu(time.Now()))[0]; got != "(k8s — Running)" {
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
		colour := icon(trayIconName(st, false))
		if _, err := png.Decode(bytes.NewReader(colour.Content())); err != nil {
			t.Errorf("%s: %v", colour.Name(), err)
		}
		// macOS: a monochrome SVG that Fyne hands to the menu bar as a template image; the
		// themed resource must still be an SVG after Fyne recolours it.
		tmpl := theme.NewThemedResource(icon(trayIconName(st, true)))
		var doc struct {
			XMLName xml.Name
			Paths   []struct{} `xml:"path"`
		}
		if err := xml.Unmarshal(tmpl.Content(), &doc); err != nil || doc.XMLName.Local != "svg" || len(doc.Paths) == 0 {
			t.Errorf("%s is not a drawable SVG after theming: %v %+v", tmpl.Name(), err, doc)
		}
	}
	if trayIconName(trayFailing, true) == trayIconName(trayApproval, true) {
		t.Error("a failing server and a waiting call look the same in the macOS menu bar")
	}
}

func TestTrayStatePrecedence(t *testing.T) {
	m := newModel()
	m.connected = true
	m.apply(daemon.Event{Server: &supervisor.Status{Name: "a", State: supervisor.Failed}})
	m.apply(daemon.Event{Approval: &policy.Event{Kind: policy.ApprovalAdded, Approval: policy.Approval{ID: "x"}}})
	if got := m.overall(); got != trayApproval {
		t.Errorf("a waiting call and a failed server show %v; the call needs the person first", got)
	}
	m.apply(daemon.Event{Approval: &policy.Event{Kind: policy.ApprovalResolved, Approval: policy.Approval{ID: "x"}}})
	if got := m.overall(); got != trayFailing {
		t.Errorf("after the call, %v", got)
	}
	m.apply(daemon.Event{Server: &supervisor.Status{Name: "a", State: supervisor.Running}})
	m.apply(daemon.Event{Note: &daemon.Note{Kind: "paused"}})
	if got := m.overall(); got != trayIdle || !m.paused {
		t.Errorf("paused shows %v", got)
	}
	m.apply(daemon.Event{Note: &daemon.Note{Kind: "resumed"}})
	if got := m.overall(); got != trayOK {
		t.Errorf("resumed shows %v", got)
	}
}
