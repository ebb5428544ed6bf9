//go:build !darwin && !windows

package autostart

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestXDGEntryFile(t *testing.T) {
	e := testEntry(t)
	e.ConfigHome = filepath.Join(e.Home, "xdg")
	if err := Enable(e); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(e.ConfigHome, "autostart", "io.github.mcptray.desktop")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("XDG_CONFIG_HOME is not honoured: %v", err)
	}
	want := "[Desktop Entry]\nType=Application\nVersion=1.5\nName=MCP Tray\nComment=Runs your MCP servers\n" +
		`Exec="` + e.Command + `"` + "\nIcon=io.github.mcptray\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("desktop file (-want +got):\n%s", diff)
	}
}
