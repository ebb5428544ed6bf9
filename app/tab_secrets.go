package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/mcptray/mcptray/api"
)

// secretsTab shows a server's secrets (names, and whether each is set; never values) and
// sets them through a masked field. Values go to the daemon, which keeps them in the system
// keychain only.
type secretsTab struct {
	w       *mainWindow
	server  *widget.Select
	rows    *fyne.Container
	note    *widget.Label
	add     *widget.Button
	items   []api.SecretItem
	chose   bool // the person picked the server; else the tab picks one that needs secrets
	filling bool
	content fyne.CanvasObject
}

func newSecretsTab(w *mainWindow) *secretsTab {
	t := &secretsTab{w: w}
	t.server = widget.NewSelect(nil, func(string) {
		t.chose = t.chose || !t.filling
		t.fetch()
	})
	t.server.PlaceHolder = "Choose a server"
	t.rows = container.NewVBox()
	t.note = wrapped("")
	t.add = widget.NewButtonWithIcon("Add a secret…", theme.ContentAddIcon(), func() { t.ask("") })
	intro := wrapped("Secrets are passwords and keys a server needs. MCP Tray keeps them in your system keychain, never in a file, and never shows them again.")
	t.content = container.NewBorder(container.NewVBox(intro, container.NewBorder(nil, nil, nil, t.add, t.server)), nil, nil, nil,
		container.NewVScroll(container.NewVBox(t.note, t.rows)))
	return t
}

// refreshServers keeps the server choice in step with the model.
func (t *secretsTab) refreshServers() {
	names := t.w.u.m.names()
	t.server.SetOptions(names)
	if !t.chose && len(names) > 0 {
		if pick := t.firstWithSecrets(names); pick != t.server.Selected {
			t.filling = true
			t.server.SetSelected(pick) // fetches
			t.filling = false
		}
	}
	setEnabled(t.add, t.server.Selected != "")
}

// firstWithSecrets picks the first server that needs secrets, as far as the Servers tab
// knows, else the first server.
func (t *secretsTab) firstWithSecrets(names []string) string {
	for _, n := range names {
		if len(t.w.servers.details[n].Secrets) > 0 {
			return n
		}
	}
	return names[0]
}

// fetch lists the chosen server's secrets.
func (t *secretsTab) fetch() {
	name := t.server.Selected
	setEnabled(t.add, name != "")
	if name == "" {
		t.rows.RemoveAll()
		t.note.SetText("Add a server first; its secrets show here.")
		return
	}
	callThen(t.w.u, api.SecretsList, api.SecretParams{Server: name}, func(res api.SecretsResult, err error) {
		if t.server.Selected != name {
			return
		}
		t.rows.RemoveAll()
		t.items = res.Secrets
		switch {
		case err != nil:
			t.note.SetText(sentence(err))
			return
		case len(res.Secrets) == 0:
			t.note.SetText(name + " needs no secrets.")
			return
		}
		t.note.SetText("")
		for _, it := range res.Secrets {
			t.rows.Add(t.row(it))
		}
	})
}

func (t *secretsTab) row(it api.SecretItem) fyne.CanvasObject {
	key := widget.NewLabelWithStyle(it.Key, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	state := widget.NewLabel("Not set: the server cannot start without it")
	state.Importance = widget.DangerImportance
	setText := "Set…"
	if it.Set {
		state.SetText("Set")
		state.Importance = widget.SuccessImportance
		setText = "Change…"
	}
	set := widget.NewButton(setText, func() { t.ask(it.Key) })
	remove := widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), func() { t.remove(it.Key) })
	if !it.Set {
		remove.Disable()
	}
	return container.NewBorder(nil, nil, nil, container.NewHBox(set, remove), container.NewHBox(key, state))
}

// ask shows a form with a masked field for a secret's value (and its name, for a new one).
func (t *secretsTab) ask(key string) {
	server := t.server.Selected
	name := widget.NewEntry()
	name.SetPlaceHolder("API_TOKEN")
	value := widget.NewPasswordEntry()
	value.SetPlaceHolder("Paste the value here")
	items := []*widget.FormItem{}
	title := "Add a secret for " + server
	if key == "" {
		items = append(items, widget.NewFormItem("Name", name))
	} else {
		title = key + " for " + server
		name.SetText(key)
	}
	items = append(items, widget.NewFormItem("Value", value))
	dlg := dialog.NewForm(title, "Save in keychain", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		callDone(t.w.u, api.SecretsSet, api.SecretParams{Server: server, Name: name.Text, Value: value.Text}, t.fetch)
		value.SetText("")
	}, t.w.win)
	dlg.Resize(fyne.NewSize(460, 220))
	dlg.Show()
	t.w.win.Canvas().Focus(value)
}

func (t *secretsTab) remove(key string) {
	server := t.server.Selected
	dialog.ShowConfirm("Remove "+key+"?", "MCP Tray deletes "+key+" of "+server+" from your keychain. The server will not start until you set it again.", func(ok bool) {
		if ok {
			callDone(t.w.u, api.SecretsDelete, api.SecretParams{Server: server, Name: key}, t.fetch)
		}
	}, t.w.win)
}
