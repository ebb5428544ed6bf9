package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/internal/display"
)

// clientsTab shows the AI apps MCP Tray found, which servers each sees, and lets the person
// choose, import an app's own servers, or put its file back. Below them, every other AI app
// MCP Tray knows has a Connect button, so an app not installed yet can be connected first.
type clientsTab struct {
	w       *mainWindow
	box     *fyne.Container
	note    *widget.Label
	last    api.ClientsResult
	shown   bool     // last has been drawn once
	drawn   []string // the servers the cards were drawn with
	cards   map[string]*clientCard
	others  map[string]*widget.Button // client id → its Connect button under "Other AI apps"
	content fyne.CanvasObject
}

// notFoundYet is what a connected AI app that is not installed yet says.
const notFoundYet = "Not found on this computer yet: MCP Tray writes its settings now, and it sees your servers once installed."

// othersText explains the "Other AI apps" list.
const othersText = "These were not found on this computer yet: connect one and MCP Tray writes its settings now, so it sees your servers once installed."

// clientCard is one AI app's part of the tab; tests find its widgets here.
type clientCard struct {
	enabled *widget.Check
	all     *widget.Check
	servers map[string]*widget.Check
	restart *widget.Label
	imp     *widget.Button
	restore *widget.Button
}

func newClientsTab(w *mainWindow) *clientsTab {
	t := &clientsTab{w: w, cards: map[string]*clientCard{}, others: map[string]*widget.Button{}}
	t.box = container.NewVBox()
	t.note = wrapped("")
	refresh := widget.NewButtonWithIcon("Check again", theme.ViewRefreshIcon(), t.fetch)
	intro := wrapped("AI apps on this computer that can use your servers. MCP Tray writes their settings for you and keeps what you had there.")
	t.content = container.NewBorder(container.NewBorder(nil, nil, nil, refresh, intro), nil, nil, nil,
		container.NewVScroll(container.NewVBox(t.note, t.box)))
	return t
}

// fetch asks the daemon for the clients (as config.json is now) and redraws.
func (t *clientsTab) fetch() {
	callThen(t.w.u, api.ClientsStatus, api.None{}, func(res api.ClientsResult, err error) {
		if err != nil {
			t.note.SetText("MCP Tray could not look at your AI apps: " + sentence(err))
			return
		}
		t.show(res)
	})
}

// set changes which servers a client sees, then redraws from the daemon's answer.
func (t *clientsTab) set(p api.ClientSetParams) {
	callThen(t.w.u, api.ClientsSet, p, func(res api.ClientsResult, err error) {
		if err != nil {
			t.w.showError(err)
			t.fetch()
			return
		}
		t.show(res)
	})
}

func (t *clientsTab) show(res api.ClientsResult) {
	t.last = res
	t.box.RemoveAll()
	clear(t.cards)
	clear(t.others)
	switch {
	case len(res.Clients) == 0 && len(res.Others) > 0:
		t.note.SetText("MCP Tray found no AI app on this computer yet, but you can connect one below.")
	case len(res.Clients) == 0:
		t.note.SetText("MCP Tray found no AI app on this computer yet. Once you install Claude Desktop, Cursor, VS Code or another app that uses MCP, it shows up here.")
	default:
		t.note.SetText("")
	}
	servers := t.serverNames()
	t.shown, t.drawn = true, servers
	for _, c := range res.Clients {
		t.box.Add(t.card(c, servers))
		t.box.Add(widget.NewSeparator())
	}
	if len(res.Others) > 0 {
		t.box.Add(bold("Other AI apps"))
		t.box.Add(wrapped(othersText))
		rows := container.NewGridWithColumns(2)
		for _, o := range res.Others {
			rows.Add(t.otherRow(o))
		}
		t.box.Add(rows)
	}
}

// serverNames are the servers the model knows, sorted: each card offers them.
func (t *clientsTab) serverNames() []string {
	var names []string
	for _, s := range t.w.u.m.sorted() {
		names = append(names, s.Name)
	}
	return names
}

// refreshServers draws the cards again from the last answer when the servers the model knows
// changed since they were drawn: a server added or removed shows on every card at once,
// whichever of the daemon's answer and the server's event came first. UI goroutine only.
func (t *clientsTab) refreshServers() {
	if t.shown && !slices.Equal(t.serverNames(), t.drawn) {
		t.show(t.last)
	}
}

// otherRow is an AI app MCP Tray knows but did not find: its name and Connect, which switches
// it on as the card's switch does.
func (t *clientsTab) otherRow(o api.ClientRef) fyne.CanvasObject {
	var connect *widget.Button
	connect = widget.NewButton("Connect", func() {
		connect.Disable() // the answer redraws the tab; a second tap would only repeat the call
		t.set(api.ClientSetParams{Client: o.ID, Enabled: true, Servers: []string{}})
	})
	t.others[o.ID] = connect
	return container.NewBorder(nil, nil, nil, connect, widget.NewLabel(display.Line(o.Name)))
}

func (t *clientsTab) card(c api.ClientStatus, servers []string) fyne.CanvasObject {
	card := &clientCard{servers: map[string]*widget.Check{}}
	t.cards[c.ID] = card
	title := widget.NewLabelWithStyle(display.Line(c.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	items := []fyne.CanvasObject{title}
	switch {
	case !c.Detected && c.Enabled:
		items = append(items, lowLabel(notFoundYet))
	case !c.Detected:
		items = append(items, lowLabel("Not found on this computer yet."))
	}
	card.enabled = widget.NewCheck("Let "+display.Line(c.Name)+" use MCP Tray's servers", func(on bool) {
		t.set(api.ClientSetParams{Client: c.ID, Enabled: on, Servers: c.Only})
	})
	card.enabled.Checked = c.Enabled
	items = append(items, card.enabled)
	if c.Enabled {
		card.all = widget.NewCheck("Every server, including ones you add later", func(on bool) {
			only := []string{} // every server
			if !on {
				only = slices.Clone(c.Wants)
			}
			t.set(api.ClientSetParams{Client: c.ID, Enabled: true, Servers: only})
		})
		card.all.Checked = len(c.Only) == 0
		items = append(items, card.all)
		grid := container.NewGridWrap(fyne.NewSize(200, 36))
		for _, s := range servers {
			check := widget.NewCheck(display.Line(s), func(on bool) {
				t.set(api.ClientSetParams{Client: c.ID, Enabled: true, Servers: toggled(c.Wants, s, on)})
			})
			check.Checked = slices.Contains(c.Wants, s)
			if len(c.Only) == 0 {
				check.Disable()
			}
			card.servers[s] = check
			grid.Add(check)
		}
		items = append(items, grid)
	}
	if line := seesLine(c); line != "" {
		items = append(items, lowLabel(line))
	}
	card.restart = wrappedAs("", widget.WarningImportance)
	if c.NeedsRestart {
		card.restart.SetText("To see the change: " + display.Line(c.RestartHint))
		items = append(items, card.restart)
	}
	for _, f := range c.Files {
		if f.Error != "" {
			l := wrappedAs(display.Line(f.Path)+": "+display.Line(f.Error), widget.DangerImportance)
			items = append(items, l)
		}
	}
	card.imp = widget.NewButton("Take over its own servers…", func() { t.importPlan(c) })
	card.restore = widget.NewButton("Put its settings back…", func() { t.restore(c) })
	if !c.Detected {
		card.imp.Disable()
	}
	items = append(items, container.NewHBox(card.imp, card.restore))
	return container.NewVBox(items...)
}

// toggled returns list with s added or removed, in the order given.
func toggled(list []string, s string, on bool) []string {
	out := slices.DeleteFunc(slices.Clone(list), func(x string) bool { return x == s })
	if on {
		out = append(out, s)
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// seesLine says which servers a client's files hold now, and what is still on its way.
func seesLine(c api.ClientStatus) string {
	if !c.Enabled && len(c.Sees) == 0 {
		return ""
	}
	line := "It sees: nothing from MCP Tray yet."
	if len(c.Sees) > 0 {
		line = "It sees: " + strings.Join(c.Sees, ", ") + "."
	}
	var missing []string
	for _, s := range c.Wants {
		if !slices.Contains(c.Sees, s) {
			missing = append(missing, s)
		}
	}
	if c.Enabled && len(missing) > 0 {
		line += " Still to add: " + strings.Join(missing, ", ") + "."
	}
	return line
}

// importPlan shows what an import would do and carries it out when the person agrees.
func (t *clientsTab) importPlan(c api.ClientStatus) {
	u := t.w.u
	callThen(u, api.ClientsImport, api.ClientImportParams{Client: c.ID, DryRun: true}, func(plan api.ClientImportResult, err error) {
		if err != nil {
			t.w.showError(err)
			return
		}
		if len(plan.Servers) == 0 {
			dialog.ShowInformation("Nothing to take over", c.Name+" has no servers of its own that MCP Tray can run for it.", t.w.win)
			return
		}
		text := importPlanText(plan)
		msg := wrapped(text)
		dlg := dialog.NewCustomConfirm("Take over "+c.Name+"'s servers?", "Take them over", "Cancel", container.NewVScroll(msg), func(ok bool) {
			if !ok {
				return
			}
			callThen(u, api.ClientsImport, api.ClientImportParams{Client: c.ID}, func(done api.ClientImportResult, err error) {
				if err != nil {
					t.w.showError(err)
					return
				}
				out := "Done: " + c.Name + " now starts these servers through MCP Tray. " + done.RestartHint
				if len(done.Warnings) > 0 {
					out += "\n\n" + strings.Join(done.Warnings, "\n")
				}
				dialog.ShowInformation("Servers taken over", out, t.w.win)
				if done.Clients != nil {
					t.show(*done.Clients)
				}
			})
		}, t.w.win)
		dlg.Resize(fyne.NewSize(560, 400))
		dlg.Show()
	})
}

// importPlanText explains an import plan to a person.
func importPlanText(p api.ClientImportResult) string {
	var b strings.Builder
	b.WriteString("MCP Tray will run these servers for " + p.Name + ":\n")
	for _, s := range p.Servers {
		b.WriteString("\n• " + s.Name)
		if s.Note != "" {
			b.WriteString(" (" + s.Note + ")")
		}
		if len(s.Secrets) > 0 {
			b.WriteString("\n   passwords and keys moved to your system keychain: " + strings.Join(s.Secrets, ", "))
		}
	}
	if len(p.Skipped) > 0 {
		b.WriteString("\n\nLeft as they are:")
		for _, s := range p.Skipped {
			b.WriteString("\n• " + s.Key + ": " + s.Reason)
		}
	}
	b.WriteString("\n\n" + p.Name + "'s settings file is backed up first (without passwords); \"Put its settings back…\" undoes this.")
	return b.String()
}

// restore puts back a client's file as it was before MCP Tray's last change.
func (t *clientsTab) restore(c api.ClientStatus) {
	u := t.w.u
	dialog.ShowConfirm("Put "+c.Name+"'s settings back?",
		"MCP Tray puts back "+c.Name+"'s settings file as it was before its last change, and stops changing it.",
		func(ok bool) {
			if !ok {
				return
			}
			callThen(u, api.ClientsRestore, api.ClientParams{Client: c.ID}, func(r api.ClientRestoreResult, err error) {
				if err != nil {
					t.w.showError(err)
					return
				}
				msg := strings.Join(r.Messages, "\n")
				if msg == "" {
					msg = c.Name + "'s settings are back as they were."
				}
				dialog.ShowInformation("Settings put back", msg, t.w.win)
				if r.Clients != nil {
					t.show(*r.Clients)
				}
			})
		}, t.w.win)
}
