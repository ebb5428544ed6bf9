package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
)

// answerField is one question's input: secrets in a password entry, choices as a select,
// yes/no as a check, several values one per line, folders with a chooser.
type answerField struct {
	q      installer.QuestionView
	entry  *widget.Entry
	choice *widget.Select
	check  *widget.Check
	object fyne.CanvasObject
}

func newAnswerField(q installer.QuestionView, win fyne.Window) *answerField {
	f := &answerField{q: q}
	switch {
	case isCheckbox(q):
		f.check = widget.NewCheck(checkboxLabel(q), nil)
		f.check.SetChecked(q.Default == "true")
		f.object = f.check
	case len(q.Choices) > 0:
		f.choice = widget.NewSelect(q.Choices, nil)
		if q.Default != "" {
			f.choice.SetSelected(q.Default)
		}
		f.object = f.choice
	case q.Format == "boolean":
		f.check = widget.NewCheck("Yes", nil)
		f.check.SetChecked(q.Default == "true")
		f.object = f.check
	case q.Secret:
		f.entry = widget.NewPasswordEntry()
		f.object = f.entry
	case q.Repeated:
		f.entry = widget.NewMultiLineEntry()
		f.entry.SetMinRowsVisible(3)
		f.object = f.entry
	default:
		f.entry = widget.NewEntry()
		f.object = f.entry
	}
	if f.entry != nil {
		if !q.Secret {
			f.entry.SetText(q.Default)
		}
		switch {
		case q.Placeholder != "":
			f.entry.SetPlaceHolder(q.Placeholder)
		case q.Repeated:
			f.entry.SetPlaceHolder("One per line")
		case q.Secret && q.Default == "":
			f.entry.SetPlaceHolder("Paste it here; it goes to your system keychain")
		}
		if q.Format == "filepath" {
			pick := widget.NewButton("Choose folder…", func() {
				d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
					if err != nil || u == nil {
						return
					}
					if q.Repeated && strings.TrimSpace(f.entry.Text) != "" {
						f.entry.SetText(strings.TrimRight(f.entry.Text, "\n") + "\n" + u.Path())
					} else {
						f.entry.SetText(u.Path())
					}
				}, win)
				d.Show()
			})
			f.object = container.NewBorder(nil, nil, nil, pick, f.object)
		}
	}
	return f
}

// value is the answer as the installer takes it.
func (f *answerField) value() string {
	switch {
	case f.choice != nil:
		return f.choice.Selected
	case f.check != nil:
		if f.check.Checked {
			return "true"
		}
		return "false"
	}
	if f.q.Repeated {
		var vals []string
		for _, l := range strings.Split(f.entry.Text, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				vals = append(vals, l)
			}
		}
		return strings.Join(vals, "\n")
	}
	return strings.TrimSpace(f.entry.Text)
}

// formItem is the field with its title and help text.
func (f *answerField) formItem() *widget.FormItem {
	title := questionTitle(f.q)
	if f.q.Required {
		title += " *"
	}
	it := widget.NewFormItem(title, f.object)
	if f.check == nil { // a checkbox says what ticking it does itself
		it.HintText = display.Line(f.q.Description)
	}
	return it
}
