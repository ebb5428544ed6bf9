package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/bundle"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
)

// BundleWindowTitle is the install dialog's window title when it installs a bundle file.
const BundleWindowTitle = "MCP Tray: add a Claude extension"

// OpenBundle opens the install dialog for the Claude extension bundle at file (an absolute
// path): the daemon describes it ("bundle.open"), the dialog shows who signed it, asks its
// questions and which AI apps should see it, shows the plan and installs it by the id that
// pins the file's bytes. closed (may be nil) runs on the UI goroutine when the dialog closes.
// Call it on the UI goroutine, or on the main goroutine before Run.
func (u *UI) OpenBundle(file string, closed func()) { u.openBundle(file, closed) }

func (u *UI) openBundle(file string, closed func()) *installDialog {
	d := &installDialog{u: u, win: u.fa.NewWindow(BundleWindowTitle), cancel: func() {}, stopScan: func() {}}
	u.dialog(d.win, func() {
		d.cancel()
		d.stopScan()
		if closed != nil {
			closed()
		}
	})
	d.win.Resize(fyne.NewSize(720, 640))
	d.win.SetContent(container.NewVBox(lowLabel("Opening "+display.Line(file)+"…"), widget.NewActivity()))
	d.win.Show()
	callThen(u, api.BundleOpen, installer.BundleParams{File: file}, func(v installer.BundleView, err error) {
		if err != nil {
			d.showBundleRefused(sentence(err))
			return
		}
		d.bundle = &v
		d.showAnswers(v.Entry)
	})
	return d
}

// showBundleRefused says in one sentence why the file cannot be installed.
func (d *installDialog) showBundleRefused(msg string) {
	head := widget.NewLabelWithStyle("This file cannot be added", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.SizeName = theme.SizeNameSubHeadingText
	why := wrappedAs(display.Text(msg), widget.DangerImportance)
	closeButton := widget.NewButton("Close", d.win.Close)
	closeButton.Importance = widget.HighImportance
	d.win.SetContent(container.NewBorder(container.NewVBox(head, why), container.NewBorder(nil, nil, nil, closeButton), nil, nil))
}

// bundleNotes are the lines under a bundle's title: who signed it, prominent (a warning
// unless a certificate this computer trusts signed it), who made it as it says, and where
// the file is.
func bundleNotes(v installer.BundleView) fyne.CanvasObject {
	sig := wrapped(display.Text(v.SignatureSentence))
	sig.TextStyle.Bold = true
	box := container.NewVBox()
	if signatureWarns(v.Signature.Status) {
		sig.Importance = widget.WarningImportance
		box.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon())), nil, sig))
	} else {
		sig.Importance = widget.SuccessImportance
		box.Add(sig)
	}
	if v.Author != "" {
		box.Add(lowLabel("Made by " + display.Line(v.Author) + ", as the bundle says."))
	}
	if _, file, ok := bundle.ParseID(v.Entry.ID); ok {
		box.Add(lowLabel("From the file " + display.Line(file)))
	}
	return box
}

// signatureWarns says whether a signature status deserves the warning style: every status but
// a certificate this computer trusts.
func signatureWarns(status string) bool { return status != bundle.Trusted }
