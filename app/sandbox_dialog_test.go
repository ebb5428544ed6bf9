package app

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
)

// TestSandboxDialogChangesConfig edits a server's sandbox in its details, as the person does,
// and checks what reaches config.json through the daemon.
func TestSandboxDialogChangesConfig(t *testing.T) {
	h := newWindowHarness(t)
	tab := h.u.main.servers
	data := filepath.Join(t.TempDir(), "data")
	h.add("files", &config.Server{Command: h.fake, Sandbox: &config.Sandbox{Read: []string{data}}})
	h.running("files")
	d := tab.detail
	tab.selectServer("files")
	h.until("the sandbox sentence and Change… show", func() bool {
		return d.name == "files" && d.change.Visible() && showsText(d.sandbox, "In its sandbox")
	})

	open := func() *sandboxEditor {
		t.Helper()
		d.editor = nil
		test.Tap(d.change)
		h.until("the sandbox dialog opens", func() bool { return d.editor != nil && d.editor.dlg != nil })
		return d.editor
	}
	e := open()
	if !showsText(e.reads, data) || e.network.Checked || e.off.Checked || e.warning.Visible() {
		t.Fatalf("the dialog does not show the sandbox as config.json has it: reads %v, network %v, off %v", texts(e.reads), e.network.Checked, e.off.Checked)
	}
	e.pick = func(chosen func(string)) { chosen(filepath.Join(h.dir, "notes")) } // the folder picker's answer
	test.Tap(e.addW)
	if !showsText(e.writes, "~/notes") {
		t.Fatalf("the folder it can change is not listed as ~/notes: %v", texts(e.writes))
	}
	test.Tap(removeButton(t, e.reads))
	test.Tap(e.network)
	test.Tap(overlayButton(h.u.main.win, "Save"))
	h.until("config.json has the new sandbox", func() bool {
		sb := h.config().Servers["files"].Sandbox
		return sb.Confined() && len(sb.Read) == 0 && slices.Equal(sb.Write, []string{"~/notes"}) && sb.Network
	})

	// Off, with the warning shown first, once the daemon runs the saved sandbox.
	h.until("the daemon applies the change", func() bool {
		got, err := api.Call(context.Background(), h.client, api.ServersSandboxShow, api.SandboxParams{Name: "files"})
		return err == nil && got.Sandbox != nil && got.Sandbox.Network
	})
	e = open()
	if !showsText(e.writes, "~/notes") || !e.network.Checked {
		t.Fatalf("the dialog does not show the saved sandbox: %v, network %v", texts(e.writes), e.network.Checked)
	}
	test.Tap(e.off)
	if !e.warning.Visible() || !e.addR.Disabled() {
		t.Fatal("Run without a sandbox shows no warning, or leaves the folders editable")
	}
	test.Tap(overlayButton(h.u.main.win, "Save"))
	h.until("config.json says no sandbox", func() bool {
		sb := h.config().Servers["files"].Sandbox
		return sb != nil && sb.Off
	})
}

// removeButton is the first folder's remove button in a folder list.
func removeButton(t *testing.T, box *fyne.Container) *widget.Button {
	t.Helper()
	for _, row := range box.Objects {
		if c, ok := row.(*fyne.Container); ok {
			for _, o := range c.Objects {
				if b, ok := o.(*widget.Button); ok {
					return b
				}
			}
		}
	}
	t.Fatal("no folder to remove in the list")
	return nil
}
