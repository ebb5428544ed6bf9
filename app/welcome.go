package app

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
)

// WelcomeWindowTitle is the welcome window's title; tests and window managers find it by it.
const WelcomeWindowTitle = "Welcome to MCP Tray"

// suggested are the catalog entries the welcome window offers first, in order: useful at
// once, with no account or key to ask for. An id the catalog lacks, or whose runtime this
// computer does not have (Fetch needs Python tools), is skipped and the next entries of the
// catalog fill the three places. An entry for developers (a test server) is never suggested.
var suggested = []string{"filesystem", "fetch", "memory"}

// suggestions is how many servers the welcome window suggests.
const suggestions = 3

// welcomeIntro says what MCP Tray does, in two sentences.
const welcomeIntro = "MCP Tray runs the MCP servers your AI apps use, here on this computer, and connects them to " +
	"Claude Desktop, Cursor and the others. Every tool call passes through it: you decide which ones run, and it keeps a record."

// noTrayText says where the tray would be on a desktop that shows none (GNOME without the
// AppIndicator extension), and what closing and quitting do.
const noTrayText = "Your desktop shows no tray icons, so this window is MCP Tray. (With a tray, MCP Tray's icon " +
	"would sit at the top right of the screen, beside the clock; on GNOME the AppIndicator extension adds one.) " +
	"Closing the window keeps your servers running for your AI apps; Quit stops them."

// welcomeWindow is the window a first start shows (and a start with no server): what MCP
// Tray does, the AI apps found, three servers to add that lead into the install dialog, then
// to connecting an AI app. UI goroutine only.
type welcomeWindow struct {
	u       *UI
	win     fyne.Window
	apps    *fyne.Container // the AI apps found
	servers *fyne.Container // the suggested servers
	// suggested says servers shows cards (the built-in entries, then the daemon's).
	suggested bool
	connect   *widget.Button // to the AI apps tab, named after the apps found
	quit      *widget.Button // only without a tray
	problem   *widget.Label
}

// showWelcome opens the welcome window, or brings it forward. UI goroutine only.
func (u *UI) showWelcome() {
	if w := u.welcome; w != nil {
		w.win.Show()
		w.win.RequestFocus()
		return
	}
	w := &welcomeWindow{u: u, win: u.fa.NewWindow(WelcomeWindowTitle)}
	u.welcome = w
	u.dialog(w.win, func() { u.welcome = nil })
	w.build()
	w.win.Resize(fyne.NewSize(660, 680))
	w.win.CenterOnScreen()
	w.win.Show()
	w.fetch()
}

func (w *welcomeWindow) build() {
	head := widget.NewLabelWithStyle(WelcomeWindowTitle, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.SizeName = theme.SizeNameHeadingText
	intro := wrapped(welcomeIntro)
	w.apps = container.NewVBox(lowLabel("Looking for AI apps…"))
	w.servers = container.NewVBox(lowLabel("Loading the catalog…"))
	w.problem = wrappedAs("", widget.DangerImportance)
	w.problem.Hide()
	w.connect = widget.NewButtonWithIcon("Connect an AI app…", theme.GridIcon(), w.connectApps)
	body := container.NewVBox(head, intro,
		w.u.newUpdateConsent(), // the first-start question: off until the person says yes
		bold("AI apps on this computer"), w.apps,
		bold("1. Add a server"), w.servers,
		bold("2. Connect your AI app"),
		wrapped("Once a server is added, tell your AI app to use it: Claude Desktop, Cursor, VS Code and the others, found or not yet installed."),
		container.NewHBox(w.connect), w.problem)
	var buttons []fyne.CanvasObject
	if w.u.opts.NoTray {
		note := wrapped(noTrayText)
		note.Importance = widget.WarningImportance
		body.Add(note)
		w.quit = widget.NewButtonWithIcon("Quit MCP Tray", theme.LogoutIcon(), w.quitApp)
		buttons = append(buttons, w.quit)
	}
	open := widget.NewButtonWithIcon("Open MCP Tray", theme.HomeIcon(), func() { w.u.showMain() })
	closeB := widget.NewButton("Close", w.win.Close)
	buttons = append(buttons, layout.NewSpacer(), open, closeB)
	w.win.SetContent(container.NewBorder(nil, container.NewHBox(buttons...), nil, nil, container.NewVScroll(body)))
}

// fetch asks the daemon for the AI apps and the catalog.
func (w *welcomeWindow) fetch() {
	callThen(w.u, api.ClientsStatus, api.None{}, func(res api.ClientsResult, err error) {
		w.apps.RemoveAll()
		if err != nil {
			w.apps.Add(lowLabel("MCP Tray could not look for AI apps: " + sentence(err)))
			return
		}
		w.apps.Add(wrapped(foundApps(res.Clients)))
		w.connect.SetText(connectLabel(res.Clients))
	})
	// The built-in entries show at once; the daemon's answer, which also asks the MCP
	// Registry (up to its timeout on a computer offline), replaces them with what it knows
	// (servers already installed from an entry).
	if c, err := catalog.Embedded(); err == nil {
		w.suggest(installer.Views(c.Entries(), nil, nil))
	}
	callThen(w.u, api.CatalogList, installer.ListParams{}, func(res installer.ListResult, err error) {
		if err != nil {
			if !w.suggested {
				w.servers.RemoveAll()
				w.servers.Add(lowLabel("MCP Tray could not load the catalog: " + sentence(err)))
			}
			return
		}
		w.suggest(res.Entries)
	})
}

// suggest shows the suggested servers among entries, or, when this computer can run none of
// them, what to install first.
func (w *welcomeWindow) suggest(entries []installer.EntryView) {
	picks := pickSuggestions(entries)
	if len(picks) == 0 {
		if hint := missingRuntime(entries); hint != "" {
			w.servers.RemoveAll()
			w.servers.Add(wrapped("No suggested server can run on this computer yet."))
			w.servers.Add(wrapped(hint))
		}
		return
	}
	w.servers.RemoveAll()
	for _, e := range picks {
		w.servers.Add(w.card(e))
	}
	w.suggested = true
}

// card is one suggested server: its icon, title and card line, and "Add…", which opens the
// install dialog at this entry's questions.
func (w *welcomeWindow) card(e installer.EntryView) fyne.CanvasObject {
	img := entryImage(e)
	title := widget.NewLabelWithStyle(entryTitle(e), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	line := wrapped(catalog.CardLine(e.Description))
	add := widget.NewButtonWithIcon("Add…", theme.ContentAddIcon(), func() { w.add(e) })
	add.Importance = widget.HighImportance
	return container.NewBorder(nil, nil, img, container.NewCenter(add), container.NewVBox(title, line))
}

// add opens the install dialog straight at the entry's questions.
func (w *welcomeWindow) add(e installer.EntryView) {
	w.u.showInstall()
	if d := w.u.window().install; d != nil {
		d.showAnswers(e)
		d.win.CenterOnScreen()
	}
}

// connectApps opens the AI-apps tab, where every AI app has its Connect switch.
func (w *welcomeWindow) connectApps() {
	m := w.u.showMain()
	m.selectTab("AI apps")
	m.shown("AI apps")
}

// quitApp stops MCP Tray (the tray process and its servers), as the tray's Quit does.
func (w *welcomeWindow) quitApp() {
	w.quit.Disable()
	go func() {
		err := quitTray(w.u)
		w.u.do(func() {
			if err != nil {
				w.quit.Enable()
				w.problem.SetText(sentence(err))
				w.problem.Show()
			}
		})
	}()
}

// foundApps is the sentence naming the AI apps found on this computer.
func foundApps(clients []api.ClientStatus) string {
	var names []string
	for _, c := range clients {
		if c.Detected {
			names = append(names, display.Line(c.Name))
		}
	}
	switch len(names) {
	case 0:
		return "MCP Tray found no AI app on this computer yet. You can still connect one: MCP Tray writes its settings for when it is installed."
	case 1:
		return "MCP Tray found " + names[0] + "."
	}
	return fmt.Sprintf("MCP Tray found %s and %s.", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// connectLabel is the button to the AI apps tab: "Connect to Claude Desktop / Cursor…" for
// the apps found, "Connect an AI app…" when none was.
func connectLabel(clients []api.ClientStatus) string {
	var names []string
	for _, c := range clients {
		if c.Detected {
			names = append(names, display.Line(c.Name))
		}
	}
	if len(names) == 0 {
		return "Connect an AI app…"
	}
	return "Connect to " + strings.Join(names, " / ") + "…"
}

// pickSuggestions is the entries the welcome window suggests: the preferred ones the
// catalog has, then the catalog's next built-in entries that ask for no secret, up to
// suggestions. An entry whose runtime this computer lacks (RuntimeMissing) is never
// suggested: its install would only end in "install Python tools first".
func pickSuggestions(entries []installer.EntryView) []installer.EntryView {
	var out []installer.EntryView
	for _, id := range suggested {
		if i := slices.IndexFunc(entries, func(e installer.EntryView) bool { return e.ID == id }); i >= 0 && runnable(entries[i]) && !forDevelopers(entries[i]) {
			out = append(out, entries[i])
		}
	}
	for _, e := range entries {
		if len(out) >= suggestions {
			break
		}
		if e.Origin == "built-in" && runnable(e) && !asksSecret(e) && !forDevelopers(e) &&
			!slices.ContainsFunc(out, func(o installer.EntryView) bool { return o.ID == e.ID }) {
			out = append(out, e)
		}
	}
	return out[:min(len(out), suggestions)]
}

// runnable reports whether this computer has what the entry's server needs to run.
func runnable(e installer.EntryView) bool { return e.RuntimeMissing == "" }

// asksSecret reports whether installing the entry asks for a key or password.
func asksSecret(e installer.EntryView) bool {
	return slices.ContainsFunc(e.Questions, func(q installer.QuestionView) bool { return q.Secret && q.Required })
}

// missingRuntime is what to install so that the first preferred entry the catalog has can
// run, or "" when nothing is missing.
func missingRuntime(entries []installer.EntryView) string {
	for _, id := range suggested {
		if i := slices.IndexFunc(entries, func(e installer.EntryView) bool { return e.ID == id }); i >= 0 {
			return entries[i].RuntimeMissing
		}
	}
	return ""
}

// entryIcon is the picture of a catalog entry: a built-in entry's own, or the default one.
// (A registry entry's published picture is an address; the window does not fetch it.)
func entryIcon(e installer.EntryView) fyne.Resource {
	if len(e.Icon.Data) > 0 {
		return fyne.NewStaticResource(e.ID+".svg", e.Icon.Data)
	}
	return fyne.NewStaticResource("default.svg", catalog.DefaultIcon())
}
