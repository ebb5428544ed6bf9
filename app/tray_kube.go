package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/supervisor"
)

// kubeServer is one Kubernetes server as the daemon's "kube.contexts" method describes it: the
// context it acts on and the contexts it could switch to.
type kubeServer struct {
	Server     string        `json:"server"`
	Context    string        `json:"context"`
	Production bool          `json:"production"`
	Contexts   []kubeContext `json:"contexts"`
	// Problem says why the server cannot run (no context chosen, context gone); "" if none.
	Problem string `json:"problem"`
}

// kubeContext is one context a Kubernetes server can use.
type kubeContext struct {
	Name       string `json:"name"`
	Production bool   `json:"production"`
}

// codeNeedsConfirmation is the daemon's error code for a switch to a production context that
// the person has not confirmed.
const codeNeedsConfirmation = "needs_confirmation"

// kubeUseParams asks the daemon to point a server at a context; Yes confirms a production one.
type kubeUseParams struct {
	Server  string `json:"server"`
	Context string `json:"context"`
	Yes     bool   `json:"yes,omitempty"`
}

// kubeLabel is the context part of a Kubernetes server's tray line.
func kubeLabel(k kubeServer) string {
	if k.Context == "" {
		return "no context chosen"
	}
	if k.Production {
		return fmt.Sprintf("context %s (PRODUCTION)", k.Context)
	}
	return "context " + k.Context
}

// kubeContextLabel is one entry of the switch submenu.
func kubeContextLabel(c kubeContext) string {
	if c.Production {
		return c.Name + " (production)"
	}
	return c.Name
}

// kubeMenu is the "switch context" submenu of a Kubernetes server; the active context is
// checked. UI goroutine only.
func (u *UI) kubeMenu(k kubeServer) *fyne.Menu {
	var items []*fyne.MenuItem
	if k.Problem != "" {
		items = append(items, disabledItem("⚠ "+k.Problem), fyne.NewMenuItemSeparator())
	}
	items = append(items, disabledItem("Switch context"))
	for _, c := range k.Contexts {
		it := fyne.NewMenuItem(kubeContextLabel(c), func() { u.switchKube(k.Server, c) })
		it.Checked = c.Name == k.Context
		items = append(items, it)
	}
	if len(k.Contexts) == 0 {
		items = append(items, disabledItem("No contexts in your kubeconfig"))
	}
	return fyne.NewMenu(k.Server, items...)
}

// kubeMayHaveChanged reports whether ev (not yet applied to m) may change which servers are
// Kubernetes servers or their contexts: a server added or removed, config.json reloaded.
func kubeMayHaveChanged(m *model, ev daemon.Event) bool {
	if n := ev.Note; n != nil {
		return n.Kind == "config_ok" || n.Kind == "settings"
	}
	if s := ev.Server; s != nil {
		_, known := m.servers[s.Name]
		removed := s.Error == "removed" && s.State == supervisor.Stopped
		return known == removed
	}
	return false
}

// fetchKube asks the daemon for the Kubernetes servers' contexts and redraws the tray. Calls
// made while one is under way fold into one more after it. A daemon without the method (an
// older one) leaves the menu without contexts. UI goroutine only.
func (u *UI) fetchKube() {
	if u.kubeBusy {
		u.kubeAgain = true
		return
	}
	u.kubeBusy = true
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var res struct {
			Servers []kubeServer `json:"servers"`
		}
		err := u.opts.Client.Call(ctx, "kube.contexts", nil, &res)
		u.do(func() {
			u.kubeBusy = false
			if err == nil {
				u.m.kube = map[string]kubeServer{}
				for _, k := range res.Servers {
					u.m.kube[k.Server] = k
				}
				u.refreshTray()
			}
			if u.kubeAgain {
				u.kubeAgain = false
				u.fetchKube()
			}
		})
	}()
}

// switchKube points a server at a context; a production context needs the person to confirm
// first. UI goroutine only.
func (u *UI) switchKube(server string, c kubeContext) {
	if !c.Production {
		u.useKube(kubeUseParams{Server: server, Context: c.Name})
		return
	}
	u.confirmProduction(server, c.Name)
}

// useKube calls kube.use and refreshes the contexts; a failure is shown to the person.
func (u *UI) useKube(p kubeUseParams) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		err := u.opts.Client.Call(ctx, "kube.use", p, nil)
		u.do(func() {
			var ce *control.Error
			if errors.As(err, &ce) && ce.Code == codeNeedsConfirmation && !p.Yes {
				u.confirmProduction(p.Server, p.Context) // it became production since the menu was drawn
				return
			}
			if err != nil {
				u.trayProblem(fmt.Errorf("MCP Tray could not switch %s to the context %s: %w", p.Server, p.Context, err))
			}
			u.fetchKube()
		})
	}()
}

// confirmProduction asks, in a small window of its own (the tray has no window to put a
// dialog on), before a server is pointed at a production context. Closing it or Escape
// cancels; nothing is pre-selected, so Enter does not confirm.
func (u *UI) confirmProduction(server, kctx string) {
	w := u.fa.NewWindow("Switch to a production context?")
	alwaysOnTop(w)
	text := widget.NewLabel(fmt.Sprintf("“%s” is marked as production. The tools of “%s” will act on it: "+
		"MCP Tray will ask you before every call that can change something there, and never offers “Always allow”.\n\n"+
		"Switch %s to %s?", kctx, server, server, kctx))
	text.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton("Cancel", w.Close)
	yes := widget.NewButton("Switch to production", func() {
		w.Close()
		u.useKube(kubeUseParams{Server: server, Context: kctx, Yes: true})
	})
	yes.Importance = widget.DangerImportance
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if ev.Name == fyne.KeyEscape {
			w.Close()
		}
	})
	w.SetContent(container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), cancel, yes), nil, nil, text))
	w.Resize(fyne.NewSize(460, 200))
	w.CenterOnScreen()
	w.Show()
	w.RequestFocus()
}

// trayProblem shows a failure of something started from the tray: in the main window, which
// it opens, so the sentence is not lost in a closed menu. UI goroutine only.
func (u *UI) trayProblem(err error) {
	w := u.window()
	w.win.Show()
	w.showError(err)
}
