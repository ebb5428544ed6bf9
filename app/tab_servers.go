package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/supervisor"
)

// serversTab lists the servers on the left, following state events, and shows the selected
// one's details, switches and tools on the right.
type serversTab struct {
	w        *mainWindow
	list     *widget.List
	rows     []supervisor.Status // what the list shows, in order
	empty    fyne.CanvasObject
	detail   *serverDetail
	selected string
	index    int                         // the list's selected row; -1 for none
	details  map[string]api.ServerDetail // from servers.details
	seen     supervisor.Status           // the selected server's status when details were last fetched
	content  fyne.CanvasObject
}

func newServersTab(w *mainWindow) *serversTab {
	t := &serversTab{w: w, details: map[string]api.ServerDetail{}, index: -1}
	t.list = widget.NewList(
		func() int { return len(t.rows) },
		newServerRow,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			s := t.rows[id]
			updateServerRow(o.(*fyne.Container), s, t.details[s.Name].URL != "", time.Now())
		},
	)
	t.list.OnSelected = func(id widget.ListItemID) {
		if id < len(t.rows) {
			t.index, t.selected = id, t.rows[id].Name
			t.detail.show(t.selected)
			t.fetch()
		}
	}
	add := widget.NewButton("Add your first server…", w.u.showInstall)
	add.Importance = widget.HighImportance
	t.empty = container.NewCenter(container.NewVBox(
		widget.NewLabelWithStyle("No servers yet.", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		widget.NewLabelWithStyle("Pick one from the catalog: MCP Tray installs it and keeps it running.", fyne.TextAlignCenter, fyne.TextStyle{}),
		container.NewCenter(add)))
	t.detail = newServerDetail(t)
	split := container.NewHSplit(container.NewStack(t.list, t.empty), t.detail.content)
	split.Offset = 0.38
	t.content = split
	return t
}

// newServerRow is a list row: the name and state, with a small line under them.
func newServerRow() fyne.CanvasObject {
	name := widget.NewLabelWithStyle("server", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	state := widget.NewLabel("state")
	detail := widget.NewLabel("")
	detail.Importance = widget.LowImportance
	detail.Truncation = fyne.TextTruncateEllipsis // the whole sentence is in the details
	return container.NewVBox(container.NewHBox(name, state), detail)
}

// updateServerRow draws s in a row of the list; remote is whether it is a remote server.
func updateServerRow(row *fyne.Container, s supervisor.Status, remote bool, now time.Time) {
	head := row.Objects[0].(*fyne.Container)
	head.Objects[0].(*widget.Label).SetText(display.Line(s.Name))
	state := head.Objects[1].(*widget.Label)
	state.SetText(serverStateLabel(s, now, remote))
	state.Importance = stateImportance(s)
	state.Refresh()
	row.Objects[1].(*widget.Label).SetText(serverRowDetail(s, now, remote))
}

func stateImportance(s supervisor.Status) widget.Importance {
	if s.NeedsSignIn {
		return widget.WarningImportance
	}
	switch s.State {
	case supervisor.Failed, supervisor.Backoff:
		return widget.DangerImportance
	case supervisor.Running:
		return widget.SuccessImportance
	}
	return widget.MediumImportance
}

// refresh follows the model: the list, and the selected server's state. UI goroutine only.
func (t *serversTab) refresh() {
	t.rows = t.w.u.m.sorted()
	if len(t.rows) == 0 {
		t.empty.Show()
	} else {
		t.empty.Hide()
	}
	t.list.Refresh()
	if t.selected == "" && len(t.rows) > 0 {
		t.list.Select(0) // shows and fetches the first server
		return
	}
	if _, ok := t.w.u.m.servers[t.selected]; !ok && t.selected != "" {
		t.selected, t.index = "", -1
		t.list.UnselectAll()
	}
	t.selectServer(t.selected) // rows move as servers come and go
	t.detail.show(t.selected)
	if st := t.w.u.m.servers[t.selected]; st.State != t.seen.State || st.Pid != t.seen.Pid || st.Name != t.seen.Name {
		t.fetch() // memory and tools change with the process
	}
}

// selectServer selects a server's row by name.
func (t *serversTab) selectServer(name string) {
	for i, r := range t.rows {
		if r.Name == name && i != t.index {
			t.list.Select(i)
			return
		}
	}
}

// fetch asks the daemon for what the events do not carry: memory, mode, switches and tools.
func (t *serversTab) fetch() {
	t.seen = t.w.u.m.servers[t.selected]
	t.fetchDetails(nil)
	if t.selected != "" {
		t.detail.fetchTools(t.selected)
	}
}

// fetchDetails asks for servers.details and shows them; then, when not nil, runs after,
// with whether they came.
func (t *serversTab) fetchDetails(after func(ok bool)) {
	callThen(t.w.u, api.ServersDetails, api.None{}, func(res api.ServerDetailsResult, err error) {
		if err == nil { // else the list still works; details come with the next fetch
			clear(t.details)
			for _, d := range res.Servers {
				t.details[d.Name] = d
			}
			t.list.Refresh() // a remote server's rows speak of connections
			t.detail.show(t.selected)
		}
		if after != nil {
			after(err == nil)
		}
	})
}
