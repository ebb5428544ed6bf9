package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/supervisor"
)

// kubeServer is one Kubernetes server as the daemon's "kube.contexts" method describes it: the
// context it acts on and the contexts it could switch to.
type kubeServer struct {
	Server  string `json:"server"`
	Context string `json:"context"`
	// Namespace is the one namespace the server may use, "" when it is not limited.
	Namespace  string        `json:"namespace"`
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

// kubeLabel is the context part of a Kubernetes server's tray line, with the namespace it is
// limited to, if any.
func kubeLabel(k kubeServer) string {
	if k.Context == "" {
		return "no context chosen"
	}
	where := k.Context
	if k.Namespace != "" {
		where = fmt.Sprintf("%s, namespace %s", k.Context, k.Namespace)
	}
	if k.Production {
		return fmt.Sprintf("context %s (PRODUCTION)", where)
	}
	return "context " + where
}

// kubeContextLabel is one entry of the switch submenu.
func kubeContextLabel(c kubeContext) string {
	if c.Production {
		return c.Name + " (production)"
	}
	return c.Name
}

// kubeMenu is the "switch context" submenu of a Kubernetes server; the active context is
// checked. Owner goroutine only.
func (t *Tray) kubeMenu(k kubeServer) *fyne.Menu {
	var items []*fyne.MenuItem
	if k.Problem != "" {
		items = append(items, disabledItem("⚠ "+k.Problem), fyne.NewMenuItemSeparator())
	}
	items = append(items, disabledItem("Switch context"))
	for _, c := range k.Contexts {
		it := fyne.NewMenuItem(kubeContextLabel(c), func() { t.switchKube(k.Server, c) })
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
		return n.Kind == daemon.NoteConfigOK || n.Kind == daemon.NoteSettings
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
// older one) leaves the menu without contexts. Owner goroutine only.
func (t *Tray) fetchKube() {
	if t.kubeBusy {
		t.kubeAgain = true
		return
	}
	t.kubeBusy = true
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var res struct {
			Servers []kubeServer `json:"servers"`
		}
		err := t.opts.Client.Call(ctx, "kube.contexts", nil, &res)
		t.do(func() {
			t.kubeBusy = false
			if err == nil {
				t.m.kube = map[string]kubeServer{}
				for _, k := range res.Servers {
					t.m.kube[k.Server] = k
				}
				t.refresh()
			}
			if t.kubeAgain {
				t.kubeAgain = false
				t.fetchKube()
			}
		})
	}()
}

// switchKube points a server at a context. A production context needs the person to confirm
// first, in a window; so does one that became production since the menu was drawn (the
// daemon says so). Like `mcptray kube use` without --namespace, a switch lifts a namespace
// limit (a namespace belongs to its context). Owner goroutine only.
func (t *Tray) switchKube(server string, c kubeContext) {
	if c.Production {
		t.send(command{Confirm: &kubeUseParams{Server: server, Context: c.Name}})
		return
	}
	p := kubeUseParams{Server: server, Context: c.Name}
	go func() {
		err := useKube(t.opts.Client, p)
		t.do(func() {
			var ce *control.Error
			switch {
			case errors.As(err, &ce) && ce.Code == codeNeedsConfirmation:
				t.send(command{Confirm: &p})
			case err != nil:
				t.send(command{Problem: sentence(err)})
			}
			t.fetchKube()
		})
	}()
}
