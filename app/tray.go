package app

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/mcptray/mcptray/assets"
)

func icon(name string) fyne.Resource {
	b, err := assets.Icons.ReadFile("icons/" + name)
	if err != nil {
		panic("missing embedded icon " + name)
	}
	return fyne.NewStaticResource(name, bytes.Clone(b))
}

func appIcon() fyne.Resource { return icon("app.png") }

// trayIconName names the icon file for a state: colour icons, or on macOS monochrome template
// images that the menu bar tints itself.
func trayIconName(s trayState, template bool) string {
	if template {
		switch s {
		case trayFailing:
			return "tray-template-alert.svg"
		case trayApproval:
			return "tray-template-approval.svg"
		}
		return "tray-template.svg"
	}
	switch s {
	case trayOK:
		return "tray-ok.png"
	case trayFailing:
		return "tray-failing.png"
	case trayApproval:
		return "tray-approval.png"
	}
	return "tray-idle.png"
}

// trayIcon is the icon for a state on this platform.
func trayIcon(s trayState) fyne.Resource {
	res := icon(trayIconName(s, useTemplateIcons))
	if useTemplateIcons {
		return templateIcon(res)
	}
	return res
}

// trayMenu is the tray menu for the model: the servers and their states (with the Kubernetes
// context and a switch submenu for Kubernetes servers), pending approvals, the window, pause
// and quit. UI goroutine only.
func (u *UI) trayMenu(now time.Time) *fyne.Menu {
	m := u.m
	var items []*fyne.MenuItem
	switch {
	case !m.connected:
		items = append(items, disabledItem("MCP Tray is starting…"))
	case m.paused:
		items = append(items, disabledItem("Paused: servers are stopped"))
	}
	if m.connected && len(m.servers) == 0 {
		items = append(items, disabledItem("No servers yet"))
	}
	for _, s := range m.sorted() {
		k, isKube := m.kube[s.Name]
		if !isKube {
			items = append(items, disabledItem(menuLabel(s, now)))
			continue
		}
		it := fyne.NewMenuItem(menuLabel(s, now)+" · "+kubeLabel(k), nil)
		it.ChildMenu = u.kubeMenu(k)
		items = append(items, it)
	}
	if m.configError != "" {
		items = append(items, disabledItem("⚠ config.json has a problem — open MCP Tray"))
	}
	pending := fyne.NewMenuItem(pendingLabel(m.approvals.len()), u.approvals.show)
	pending.Disabled = m.approvals.len() == 0
	pause := fyne.NewMenuItem("Pause all", func() { u.setPaused(true) })
	if m.paused {
		pause = fyne.NewMenuItem("Resume all", func() { u.setPaused(false) })
	}
	pause.Disabled = !m.connected
	items = append(items, fyne.NewMenuItemSeparator(),
		pending,
		fyne.NewMenuItem("Open MCP Tray…", u.Show),
		pause,
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: "Quit MCP Tray", IsQuit: true, Action: u.fa.Quit},
	)
	return fyne.NewMenu("MCP Tray", items...)
}

// refreshTray sets the tray menu and icon from the model, and only when they changed: every
// update makes the tray host re-read the whole menu over D-Bus. UI goroutine only.
func (u *UI) refreshTray() {
	if u.desk == nil {
		return
	}
	menu := u.trayMenu(time.Now())
	if sig := menuSignature(menu); sig != u.traySig {
		u.traySig = sig
		u.desk.SetSystemTrayMenu(menu)
	}
	if st := u.m.overall(); st != u.trayShown || !u.trayIconSet {
		u.trayShown, u.trayIconSet = st, true
		u.desk.SetSystemTrayIcon(trayIcon(st))
	}
}

// menuSignature sums up what a menu shows, to tell whether it changed.
func menuSignature(m *fyne.Menu) string {
	var b strings.Builder
	var walk func(items []*fyne.MenuItem, depth int)
	walk = func(items []*fyne.MenuItem, depth int) {
		for _, it := range items {
			fmt.Fprintf(&b, "%d|%s|%t|%t|%t\n", depth, it.Label, it.Disabled, it.Checked, it.IsSeparator)
			if it.ChildMenu != nil {
				walk(it.ChildMenu.Items, depth+1)
			}
		}
	}
	walk(m.Items, 0)
	return b.String()
}

func disabledItem(label string) *fyne.MenuItem {
	it := fyne.NewMenuItem(label, nil)
	it.Disabled = true
	return it
}

// hiddenNotice tells the person, once, where the app went when its window closed.
func (u *UI) hiddenNotice() {
	if u.told {
		return
	}
	u.told = true
	where := "from its icon in the menu bar or system tray"
	if !u.trayOK {
		where = "by opening MCP Tray again from your applications menu"
	}
	u.notify(fyne.NewNotification("MCP Tray is still running",
		fmt.Sprintf("Your servers keep working. Open the window %s.", where)))
}

// setPaused asks the daemon to pause or resume every server; the "paused" and "resumed" notes
// on the event stream redraw the menu. A failure opens the main window to say so.
func (u *UI) setPaused(on bool) {
	what := "pause"
	if !on {
		what = "resume"
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // stopping servers takes a while
		defer cancel()
		if err := u.opts.Client.Call(ctx, "pause", pauseParams{Paused: on}, nil); err != nil {
			u.do(func() { u.trayProblem(fmt.Errorf("MCP Tray could not %s your servers: %w", what, err)) })
		}
	}()
}

// pauseParams switches "Pause all" on or off (the daemon's "pause" method).
type pauseParams struct {
	Paused bool `json:"paused"`
}
