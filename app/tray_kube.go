package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/supervisor"
)

// kubeLabel is the context part of a Kubernetes server's tray line, with the namespace it is
// limited to, if any.
func kubeLabel(k api.KubeServer) string {
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
func kubeContextLabel(c api.KubeContext) string {
	if c.Production {
		return c.Name + " (production)"
	}
	return c.Name
}

// kubeMenu is the "switch context" submenu of a Kubernetes server; the active context is
// checked. Owner goroutine only.
func (t *Tray) kubeMenu(k api.KubeServer) *fyne.Menu {
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
func kubeMayHaveChanged(m *model, ev api.Event) bool {
	if n := ev.Note; n != nil {
		return n.Kind == api.NoteConfigOK || n.Kind == api.NoteSettings
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
		res, err := api.Call(ctx, t.opts.Client, api.KubeContexts, api.KubeContextsParams{})
		t.do(func() {
			t.kubeBusy = false
			if err == nil {
				t.m.kube = map[string]api.KubeServer{}
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
func (t *Tray) switchKube(server string, c api.KubeContext) {
	if c.Production {
		t.send(command{Confirm: &api.KubeUseParams{Server: server, Context: c.Name}})
		return
	}
	p := api.KubeUseParams{Server: server, Context: c.Name}
	go func() {
		err := useKube(t.opts.Client, p)
		t.do(func() {
			switch {
			case errors.Is(err, api.ErrNeedsConfirmation):
				t.send(command{Confirm: &p})
			case err != nil:
				t.send(command{Problem: sentence(err)})
			}
			t.fetchKube()
		})
	}()
}
