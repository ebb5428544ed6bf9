package app

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
)

// The install dialog's store look (issue #20): each entry with its icon and its card line,
// what it needs in plain words, and a switch asked as a checkbox.

// iconSize is the side of an entry's icon in lists and cards.
const iconSize = 40

// withIcon puts an icon place to the left of an entry's texts (a list row's template);
// setIcon fills it.
func withIcon(texts *fyne.Container) fyne.CanvasObject {
	img := canvas.NewImageFromResource(nil)
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(iconSize))
	return container.NewBorder(nil, nil, img, nil, texts)
}

// setIcon shows e's icon in a row made by withIcon and returns the row's texts.
func setIcon(row fyne.CanvasObject, e installer.EntryView) *fyne.Container {
	c := row.(*fyne.Container)
	var texts *fyne.Container
	for _, o := range c.Objects {
		switch o := o.(type) {
		case *canvas.Image:
			if res := entryIcon(e); o.Resource == nil || o.Resource.Name() != res.Name() {
				o.Resource = res
				o.Refresh()
			}
		case *fyne.Container:
			texts = o
		}
	}
	return texts
}

// entryImage is e's icon at iconSize.
func entryImage(e installer.EntryView) *canvas.Image {
	img := canvas.NewImageFromResource(entryIcon(e))
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSquareSize(iconSize))
	return img
}

// isCheckbox reports whether q is a switch, asked as a checkbox (catalog.KindCheckbox; a
// daemon older than question kinds says so with the boolean format only).
func isCheckbox(q installer.QuestionView) bool {
	return q.Kind == catalog.KindCheckbox || (q.Kind == "" && q.Format == "boolean")
}

// checkboxLabel is what a checkbox says: what ticking it does (the catalog words a switch's
// description so), or "Yes" when the server says nothing.
func checkboxLabel(q installer.QuestionView) string {
	if d := display.Line(strings.TrimSpace(q.Description)); d != "" {
		return d
	}
	return "Yes"
}

// plainNeeds is an entry's needs line (catalog.NeedsLine) as a part of its facts line, which
// is lower case after the first part: "needs Python tools (uv)".
func plainNeeds(line string) string {
	r, n := utf8.DecodeRuneInString(line)
	if r == utf8.RuneError {
		return line
	}
	return string(unicode.ToLower(r)) + line[n:]
}
