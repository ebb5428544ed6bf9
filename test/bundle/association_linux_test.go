package bundle

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// needTool fails t, saying what to install, when a program is missing.
func needTool(t *testing.T, name, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not installed: run `make test` (or: apt-get install %s)", name, pkg)
	}
}

// TestLinuxFileAssociation checks the packaged association with the tools a desktop uses:
// the desktop entry is valid, a .mcpb file is recognised as application/x-mcpb, MCP Tray's
// entry opens it, and what that entry runs is the tray app's install dialog
// (mcptray-app open FILE, no terminal), a command the tray app has. test/gui's
// TestOpenBundleFileInstallsIt runs that command on a display.
func TestLinuxFileAssociation(t *testing.T) {
	needTool(t, "desktop-file-validate", "desktop-file-utils")
	needTool(t, "update-desktop-database", "desktop-file-utils")
	needTool(t, "update-mime-database", "shared-mime-info")
	needTool(t, "xdg-mime", "xdg-utils")
	_, here, _, _ := runtime.Caller(0)
	linux := filepath.Join(filepath.Dir(here), "..", "..", "packaging", "linux")
	desktop := filepath.Join(linux, "io.github.mcptray.install.desktop")
	if out, err := exec.Command("desktop-file-validate", desktop).CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("desktop-file-validate: %v\n%s", err, out)
	}

	data := t.TempDir()
	for _, d := range []string{"mime/packages", "applications"} {
		os.MkdirAll(filepath.Join(data, d), 0o755)
	}
	copyFile(t, filepath.Join(linux, "io.github.mcptray.mcpb.xml"), filepath.Join(data, "mime", "packages", "io.github.mcptray.mcpb.xml"))
	copyFile(t, desktop, filepath.Join(data, "applications", "io.github.mcptray.install.desktop"))
	for _, c := range [][]string{{"update-mime-database", filepath.Join(data, "mime")}, {"update-desktop-database", filepath.Join(data, "applications")}} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", c[0], err, out)
		}
	}
	file := handBundle(t, [2]string{"manifest.json", "{}"})
	env := append(os.Environ(), "XDG_DATA_HOME="+data, "XDG_DATA_DIRS="+data+":/usr/share", "XDG_CONFIG_HOME="+t.TempDir(),
		"XDG_CURRENT_DESKTOP=", "DE=generic")
	query := func(args ...string) string {
		cmd := exec.Command("xdg-mime", append([]string{"query"}, args...)...)
		cmd.Env = env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("xdg-mime query %s: %v", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	if got := query("filetype", file); got != "application/x-mcpb" {
		t.Errorf("a .mcpb file is %q, want application/x-mcpb", got)
	}
	if got := query("default", "application/x-mcpb"); got != "io.github.mcptray.install.desktop" {
		t.Errorf("application/x-mcpb opens with %q, want io.github.mcptray.install.desktop", got)
	}

	exe := desktopExec(t, desktop)
	if len(exe) != 3 || exe[0] != "mcptray-app" || exe[1] != "open" || exe[2] != "%f" {
		t.Fatalf("Exec=%q: want mcptray-app open %%f", exe)
	}
	if v := desktopKey(t, desktop, "Terminal"); v != "false" {
		t.Errorf("Terminal=%s: the install dialog needs no terminal", v)
	}
	// The tray app's build (Fyne's software driver: no display, no cgo needed) has the command.
	app := filepath.Join(t.TempDir(), "mcptray-app")
	build := exec.Command("go", "build", "-tags", "gui ci", "-o", app, "./cmd/mcptray")
	build.Dir = filepath.Join(filepath.Dir(here), "..", "..")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the tray app: %v\n%s", err, out)
	}
	out, err := exec.Command(app, "open", "--help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Claude extension bundle") || !strings.Contains(string(out), "open FILE.mcpb") {
		t.Errorf("mcptray-app open --help: %v\n%s", err, out)
	}
	cmd := exec.Command(app, "open")
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "needs a .mcpb file") {
		t.Errorf("mcptray-app open without a file: %v\n%s", err, out)
	}
}

func desktopExec(t *testing.T, path string) []string {
	return strings.Fields(desktopKey(t, path, "Exec"))
}

// desktopKey is the value of key in the desktop entry at path.
func desktopKey(t *testing.T, path, key string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+"="); ok {
			return v
		}
	}
	t.Fatalf("%s has no %s line", path, key)
	return ""
}

func copyFile(t *testing.T, from, to string) {
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
