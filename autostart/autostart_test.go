package autostart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testEntry(t *testing.T) Entry {
	home := t.TempDir()
	return Entry{ID: "io.github.mcptray", Name: "MCP Tray", Comment: "Runs your MCP servers",
		Command: filepath.Join(home, "My Apps", "mcptray"), Home: home}
}

func TestOffUntilEnabledThenOffAgain(t *testing.T) {
	e := testEntry(t)
	if on, err := Enabled(e); err != nil || on {
		t.Fatalf("a fresh home: Enabled = %v, %v; want off", on, err)
	}
	if err := Disable(e); err != nil {
		t.Fatalf("disabling what is not there: %v", err)
	}
	for range 2 { // idempotent
		if err := Enable(e); err != nil {
			t.Fatal(err)
		}
	}
	if on, err := Enabled(e); err != nil || !on {
		t.Fatalf("after Enable: Enabled = %v, %v", on, err)
	}
	p, err := Path(e)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the entry file: %v", err)
	}
	others := filepath.Join(filepath.Dir(p), "someone-else.desktop")
	if err := os.WriteFile(others, []byte("[Desktop Entry]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Disable(e); err != nil {
		t.Fatal(err)
	}
	if on, _ := Enabled(e); on {
		t.Fatal("still enabled after Disable")
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Fatalf("the entry file is still there: %v", err)
	}
	if _, err := os.Stat(others); err != nil {
		t.Fatalf("another program's entry was touched: %v", err)
	}
}

func TestEnableRefusesRelativeCommand(t *testing.T) {
	e := testEntry(t)
	e.Command = "mcptray"
	if err := Enable(e); err == nil {
		t.Fatal("a relative command was accepted")
	}
	if on, _ := Enabled(e); on {
		t.Fatal("a refused Enable left an entry")
	}
}

func TestDesktopExecRoundTrip(t *testing.T) {
	for _, cmd := range []string{
		"/usr/bin/mcptray",
		"/home/ann/My Apps/mcptray",
		`/opt/100% "real"/$HOME/back\slash/mcptray`,
	} {
		e := Entry{ID: "x", Name: "X", Command: cmd, Args: []string{"--flag", "a b"}}
		if got := desktopExec(desktopFile(e)); got != cmd {
			t.Errorf("Exec of %q reads back as %q\n%s", cmd, got, desktopFile(e))
		}
	}
}

func TestLaunchAgentRoundTrip(t *testing.T) {
	e := Entry{ID: "io.github.mcptray", Name: "MCP Tray", Command: "/Applications/MCP Tray.app/Contents/MacOS/<mcptray>&"}
	plist := launchAgent(e)
	if got := plistProgram(plist); got != e.Command {
		t.Fatalf("ProgramArguments[0] = %q, want %q\n%s", got, e.Command, plist)
	}
	for _, want := range []string{"<key>RunAtLoad</key>\n\t<true/>", "<key>KeepAlive</key>\n\t<false/>", "<string>io.github.mcptray</string>"} {
		if !strings.Contains(plist, want) {
			t.Errorf("plist lacks %q:\n%s", want, plist)
		}
	}
}
