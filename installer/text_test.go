package installer

import (
	"testing"

	"github.com/mcptray/mcptray/catalog"
)

func TestInstallCommandSetsOnlyWhatMustBeGiven(t *testing.T) {
	d := CatalogDetail{CatalogItem: CatalogItem{ID: "filesystem"}, Questions: []catalog.Question{
		{Key: "allowed_directory", Required: true, Format: catalog.FormatFilepath},
		{Key: "TOKEN", Required: true, Secret: true},
		{Key: "mode", Required: true, Default: "fast"},
		{Key: "level", Required: true, Choices: []string{"low", "high"}},
		{Key: "extra"},
	}}
	want := "mcptray install filesystem --set allowed_directory=/full/path --set level=low"
	if got := InstallCommand(d); got != want {
		t.Errorf("InstallCommand = %q, want %q", got, want)
	}
}

func TestItemLineSaysNeedsAndAccess(t *testing.T) {
	e := catalog.Entry{Meta: catalog.Meta{ID: "notes", Summary: "Keeps notes", ReadOnly: true, Needs: catalog.NeedsNode}}
	e.Server.Title = "Notes\x1b[2J"
	want := `Notes\x1b[2J: Keeps notes. Needs ` + catalog.RuntimeNPX.Tool() + "; read-only."
	if got := ItemLine(e); got != want {
		t.Errorf("ItemLine = %q, want %q", got, want)
	}
}
