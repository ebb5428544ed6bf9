//go:build linux

package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWindowsInstallerCrossBuilt builds the Windows programs and MSI from Linux as a release
// does (the tray app cross-compiled with mingw-w64, see docs/packaging.md) and checks what it
// installs and where.
func TestWindowsInstallerCrossBuilt(t *testing.T) {
	for _, tool := range []string{"wixl", "msiinfo", "file", "x86_64-w64-mingw32-gcc"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("this test needs %s; run: scripts/deps.sh test", tool)
		}
	}
	cmd := script("package-windows.sh")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("package-windows.sh: %v\n%s", err, out)
	}
	msi := filepath.Join(dist, "mcptray-"+version+"-windows-amd64.msi")
	exe := filepath.Join(dist, "windows", "mcptray.exe")

	// file 5.44 says "PE32+ executable (console) x86-64, for MS Windows", 5.45 "PE32+ executable
	// for MS Windows 6.01 (console), x86-64". The tray app is a GUI program: no console window.
	if out := run(t, "file", "-b", exe); !strings.HasPrefix(out, "PE32+ executable") || !strings.Contains(out, "(console)") || !strings.Contains(out, "x86-64") {
		t.Errorf("mcptray.exe is %q", out)
	}
	if out := run(t, "file", "-b", filepath.Join(dist, "windows", "mcptray-app.exe")); !strings.HasPrefix(out, "PE32+ executable") || !strings.Contains(out, "(GUI)") || !strings.Contains(out, "x86-64") {
		t.Errorf("mcptray-app.exe is %q", out)
	}
	if out := run(t, "file", "-b", filepath.Join(dist, "windows", "mcptray-otel.exe")); !strings.HasPrefix(out, "PE32+ executable") || !strings.Contains(out, "x86-64") {
		t.Errorf("mcptray-otel.exe is %q", out)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), utf16("MCP Tray")) || !strings.Contains(string(b), utf16(version+".0")) {
		t.Error("mcptray.exe has no version resource naming MCP Tray " + version)
	}

	files := run(t, "msiinfo", "export", msi, "File")
	for _, want := range []string{"\tmcptray.exe\t", "\tmcptray-app.exe\t", "\tmcptray-otel.exe\t", "\tinstalled-by.txt\t"} {
		if !strings.Contains(files, want) {
			t.Errorf("the MSI's File table has no %q:\n%s", want, files)
		}
	}
	if sc := run(t, "msiinfo", "export", msi, "Shortcut"); !strings.Contains(sc, "\tProgramMenuFolder\tMCP Tray\t") || !strings.Contains(sc, "[INSTALLDIR]mcptray-app.exe") {
		t.Errorf("the MSI puts no MCP Tray in the Start menu starting the tray app:\n%s", sc)
	}
	dirs := run(t, "msiinfo", "export", msi, "Directory")
	for _, want := range []string{"INSTALLDIR\tProgramsDir\tMCP Tray", "ProgramsDir\tLocalAppDataFolder\tPrograms"} {
		if !strings.Contains(dirs, want) {
			t.Errorf("the MSI does not install per user into %%LOCALAPPDATA%%\\Programs\\MCP Tray:\n%s", dirs)
		}
	}
	// Word count (msiinfo calls it Source) 10: compressed (2) and no elevation needed (8).
	if sum := run(t, "msiinfo", "suminfo", msi); !strings.Contains(sum, "Source: 10 ") {
		t.Errorf("the MSI asks for administrator rights:\n%s", sum)
	}
	props := run(t, "msiinfo", "export", msi, "Property")
	for _, want := range []string{"ProductVersion\t" + version, "MSIINSTALLPERUSER\t1", "UpgradeCode\t{5B0B7F53-2C47-4F0E-9C0A-6D1B7E1E2A11}"} {
		if !strings.Contains(props, want) {
			t.Errorf("the MSI's Property table has no %q:\n%s", want, props)
		}
	}
	// Start at login is a feature installed only when asked (level 2 > the default INSTALLLEVEL 1),
	// writing the same Run value as the app's Settings switch.
	if f := run(t, "msiinfo", "export", msi, "Feature"); !strings.Contains(f, "StartAtLogin\t\tStart MCP Tray at login\t\t2\t2") {
		t.Errorf("start at login is not an opt-in feature:\n%s", f)
	}
	if r := run(t, "msiinfo", "export", msi, "Registry"); !strings.Contains(r, "Software\\Microsoft\\Windows\\CurrentVersion\\Run\tio.github.mcptray\t\"[INSTALLDIR]mcptray.exe\"\tStartAtLogin") {
		t.Errorf("the start-at-login value is not the app's:\n%s", r)
	}
}

func utf16(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
		b.WriteByte(0)
	}
	return b.String()
}
