package app

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/installer"
)

// A switch is asked as a checkbox that says what ticking it does (the catalog's plain
// wording), with no hint repeating it; its answer is "true" or "false". A daemon older than
// question kinds still gets one for the boolean format.
func TestCheckboxQuestion(t *testing.T) {
	win := test.NewTempWindow(t, widget.NewLabel(""))
	for _, q := range []installer.QuestionView{
		{Key: "READ_ONLY", Title: "Read only", Description: "Only allow looking, never changing anything.", Kind: catalog.KindCheckbox, Format: "boolean"},
		{Key: "READ_ONLY", Title: "Read only", Description: "Only allow looking, never changing anything.", Format: "boolean"},
	} {
		f := newAnswerField(q, win)
		if f.check == nil || f.entry != nil || f.choice != nil {
			t.Fatalf("%+v is not asked as a checkbox", q)
		}
		it := f.formItem()
		if f.check.Text != q.Description || it.HintText != "" {
			t.Errorf("the checkbox says %q with the hint %q; want what ticking it does, once", f.check.Text, it.HintText)
		}
		if f.value() != "false" {
			t.Errorf("unticked: %q", f.value())
		}
		test.Tap(f.check)
		if f.value() != "true" {
			t.Errorf("ticked: %q", f.value())
		}
	}
	// A checkbox with choices (a server listing "true" and "false") is still one checkbox.
	q := installer.QuestionView{Key: "X", Description: "", Kind: catalog.KindCheckbox, Choices: []string{"true", "false"}, Default: "true"}
	if f := newAnswerField(q, win); f.check == nil || f.check.Text != "Yes" || !f.check.Checked {
		t.Errorf("a checkbox question with choices was asked as %+v", f)
	}
}

// An entry's row in the install dialog's list: its icon, title, card line and facts, with
// what it needs in plain words.
func TestCatalogRowLooksLikeAStore(t *testing.T) {
	e := installer.EntryView{ID: "tiny", Title: "Tiny", Runtime: "python", Needs: catalog.NeedsLine(catalog.NeedsPython),
		Description: "Does small things.\nAnd a second line nobody reads.", Origin: "registry"}
	row := withIcon(container.NewVBox(widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")))
	texts := setIcon(row, e)
	if texts == nil || len(texts.Objects) != 3 {
		t.Fatal("setIcon did not return the row's texts")
	}
	var icon *canvas.Image
	for _, o := range row.(*fyne.Container).Objects {
		if img, ok := o.(*canvas.Image); ok {
			icon = img
		}
	}
	if icon == nil || icon.Resource == nil || !slices.Equal(icon.Resource.Content(), catalog.DefaultIcon()) {
		t.Error("an entry without its own picture does not show the default icon")
	}
	if got, want := entryFacts(e), "can change things · needs Python tools (uv) · from the MCP Registry"; got != want {
		t.Errorf("entryFacts = %q, want %q", got, want)
	}
	if got := catalog.CardLine(e.Description); got != "Does small things." {
		t.Errorf("the card line is %q", got)
	}
	// A built-in entry shows its own picture.
	own := installer.EntryView{ID: "filesystem", Icon: installer.IconView{MimeType: "image/svg+xml", Data: []byte("<svg/>")}}
	setIcon(row, own)
	if string(icon.Resource.Content()) != "<svg/>" {
		t.Error("a built-in entry's own icon is not shown")
	}
}

// "You can choose them later in the AI apps tab", which the install dialog says when it finds
// no AI app, is true: an app installed afterwards shows up in the tab (on "Check again"), off,
// with its switch to connect it.
func TestAIAppsCanBeChosenLater(t *testing.T) {
	h := newWindowHarness(t)
	w := h.u.showMain()
	w.selectTab("AI apps")
	h.until("the AI apps tab has looked", func() bool { return w.clients.note.Text != "" })
	if len(w.clients.cards) != 0 {
		t.Fatalf("an empty home lists %d AI apps", len(w.clients.cards))
	}
	// Cursor is installed later: its folder appears.
	cursor, _ := clients.ByID("cursor")
	if err := os.MkdirAll(filepath.Dir(cursor.Paths(h.env)[0]), 0o700); err != nil {
		t.Fatal(err)
	}
	test.Tap(findButton(w.clients.content, "Check again"))
	h.until("Cursor shows", func() bool { return w.clients.cards["cursor"] != nil })
	if c := w.clients.cards["cursor"].enabled; c.Checked || c.Disabled() {
		t.Errorf("Cursor, found later, shows its switch checked %v, disabled %v; want off and usable", c.Checked, c.Disabled())
	}
}
