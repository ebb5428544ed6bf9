package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
)

// offWarning is what the person reads beside "Run without a sandbox".
const offWarning = "Without a sandbox, this server can read, change and send anything you can: your files, your keys and passwords, and MCP Tray's own settings. Choose this only for a server you trust completely."

// sandboxEditor is the "Change…" dialog of a server's sandbox: the folders it can read, the
// folders it can change, its network, or no sandbox at all. It only renders and, on Save,
// sends servers.sandbox; the daemon writes config.json. UI goroutine only.
type sandboxEditor struct {
	u       *UI
	name    string
	read    []string // as config.json has them: full paths or "~/…"
	write   []string
	network *widget.Check
	off     *widget.Check
	warning *widget.Label
	reads   *fyne.Container
	writes  *fyne.Container
	addR    *widget.Button
	addW    *widget.Button
	dlg     dialog.Dialog
	// pick asks the person for a folder and calls chosen with its full path; Fyne's folder
	// picker unless a test replaces it.
	pick  func(chosen func(string))
	saved func() // after the daemon took the change
}

// editSandbox reads the server's sandbox from the daemon and opens the dialog on it.
func (d *serverDetail) editSandbox() {
	u, name := d.t.w.u, d.name
	callThen(u, api.ServersSandboxShow, api.SandboxParams{Name: name}, func(res api.SandboxParams, err error) {
		if err != nil {
			u.window().showError(err)
			return
		}
		d.editor = newSandboxEditor(u, name, res.Sandbox, d.t.fetch)
		d.editor.show()
	})
}

// newSandboxEditor starts from sb (nil: nobody chose yet, shown as confined with the network
// on, the state `mcptray server sandbox NAME --on` gives).
func newSandboxEditor(u *UI, name string, sb *config.Sandbox, saved func()) *sandboxEditor {
	e := &sandboxEditor{u: u, name: name, saved: saved}
	if sb == nil {
		sb = &config.Sandbox{Network: true}
	}
	e.read, e.write = slices.Clone(sb.Read), slices.Clone(sb.Write)
	e.reads, e.writes = container.NewVBox(), container.NewVBox()
	e.addR = widget.NewButtonWithIcon("Add folder…", theme.FolderOpenIcon(), func() { e.pick(func(p string) { e.add(&e.read, p) }) })
	e.addW = widget.NewButtonWithIcon("Add folder…", theme.FolderOpenIcon(), func() { e.pick(func(p string) { e.add(&e.write, p) }) })
	e.network = widget.NewCheck("Can use the internet", nil)
	e.network.SetChecked(sb.Network)
	e.warning = wrappedAs(offWarning, widget.DangerImportance)
	e.off = widget.NewCheck("Run without a sandbox", func(bool) { e.refresh() })
	e.off.SetChecked(sb.Off)
	e.pick = func(chosen func(string)) {
		dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
			if err == nil && dir != nil {
				chosen(dir.Path())
			}
		}, u.window().win).Show()
	}
	e.refresh()
	return e
}

func (e *sandboxEditor) show() {
	intro := lowLabel("Besides these folders, a server in its sandbox can read the system and its own program, and use its own folders. It never reaches your other files, your keys or MCP Tray's files.")
	body := container.NewVBox(intro,
		bold("Folders it can read"), e.reads, container.NewHBox(e.addR),
		bold("Folders it can change"), e.writes, container.NewHBox(e.addW),
		e.network, widget.NewSeparator(), e.off, e.warning)
	e.dlg = dialog.NewCustomConfirm("What "+display.Line(e.name)+" may touch", "Save", "Cancel", container.NewVScroll(body), func(ok bool) {
		if ok {
			e.save()
		}
	}, e.u.window().win)
	e.dlg.Resize(fyne.NewSize(560, 480))
	e.dlg.Show()
}

// params is what Save sends.
func (e *sandboxEditor) params() api.SandboxParams {
	if e.off.Checked {
		return api.SandboxParams{Name: e.name, Sandbox: &config.Sandbox{Off: true}}
	}
	return api.SandboxParams{Name: e.name, Sandbox: &config.Sandbox{
		Read: slices.Clone(e.read), Write: slices.Clone(e.write), Network: e.network.Checked}}
}

func (e *sandboxEditor) save() {
	callDone(e.u, api.ServersSandbox, e.params(), e.saved)
}

// add puts a chosen folder in a list (a folder under the home folder as "~/…", so
// config.json reads the same on the person's other computers). A folder it can change is not
// also listed as one it can read.
func (e *sandboxEditor) add(list *[]string, dir string) {
	p := homeRelative(dir)
	if list == &e.write {
		e.read = slices.DeleteFunc(e.read, func(x string) bool { return x == p })
	} else if slices.Contains(e.write, p) {
		return
	}
	if !slices.Contains(*list, p) {
		*list = append(*list, p)
	}
	e.refresh()
}

func (e *sandboxEditor) remove(list *[]string, p string) {
	*list = slices.DeleteFunc(*list, func(x string) bool { return x == p })
	e.refresh()
}

// refresh redraws the folder lists and greys out what "Run without a sandbox" overrides.
func (e *sandboxEditor) refresh() {
	off := e.off.Checked
	for _, l := range []struct {
		box  *fyne.Container
		list *[]string
	}{{e.reads, &e.read}, {e.writes, &e.write}} {
		l.box.RemoveAll()
		if len(*l.list) == 0 {
			none := widget.NewLabel("None")
			none.Importance = widget.LowImportance
			l.box.Add(none)
		}
		for _, p := range *l.list {
			list, p := l.list, p
			rm := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { e.remove(list, p) })
			setEnabled(rm, !off)
			l.box.Add(container.NewBorder(nil, nil, nil, rm, widget.NewLabel(display.Line(p))))
		}
		l.box.Refresh()
	}
	setEnabled(e.addR, !off)
	setEnabled(e.addW, !off)
	setEnabled(e.network, !off)
	e.warning.Hidden = !off
	e.warning.Refresh()
}

// homeRelative writes a folder under the home folder as "~/…"; others stay full paths.
func homeRelative(dir string) string {
	dir = filepath.Clean(dir)
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return dir
	}
	if rel, err := filepath.Rel(home, dir); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		if rel == "." {
			return "~"
		}
		return "~/" + filepath.ToSlash(rel)
	}
	return dir
}
