package app

import (
	"bytes"
	"fmt"
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

// trayIcon picks the icon for a state; macOS gets monochrome template images.
func trayIcon(s trayState) fyne.Resource {
	if useTemplateIcons {
		if s == trayFailing {
			return icon("tray-template-alert.png")
		}
		return icon("tray-template.png")
	}
	switch s {
	case trayOK:
		return icon("tray-ok.png")
	case trayFailing:
		return icon("tray-failing.png")
	default:
		return icon("tray-idle.png")
	}
}

// refreshTray rebuilds the tray menu and icon from the model. UI goroutine only.
func (u *UI) refreshTray() {
	if u.desk == nil {
		return
	}
	now := time.Now()
	var items []*fyne.MenuItem
	if !u.m.connected {
		items = append(items, disabledItem("MCP Tray is starting…"))
	} else if len(u.m.servers) == 0 {
		items = append(items, disabledItem("No servers yet"))
	}
	for _, s := range u.m.sorted() {
		items = append(items, disabledItem(menuLabel(s, now)))
	}
	if u.m.configError != "" {
		items = append(items, disabledItem("⚠ config.json has a problem — open MCP Tray"))
	}
	items = append(items, fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Open MCP Tray…", u.Show),
		fyne.NewMenuItemSeparator(),
		&fyne.MenuItem{Label: "Quit MCP Tray", IsQuit: true, Action: u.fa.Quit},
	)
	u.desk.SetSystemTrayMenu(fyne.NewMenu("MCP Tray", items...))
	u.desk.SetSystemTrayIcon(trayIcon(u.m.overall()))
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
	u.fa.SendNotification(fyne.NewNotification("MCP Tray is still running",
		fmt.Sprintf("Your servers keep working. Open the window %s.", where)))
}
