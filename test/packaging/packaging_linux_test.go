package packaging

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/mcptray/mcptray/internal/testbin"
)

// version is what the packages are built as; a release number, so it is also their version.
const version = "9.8.7"

var dist string // the scratch folder the Linux packages are built into

func TestMain(m *testing.M) {
	code := func() int {
		d, err := os.MkdirTemp("", "mcptray-packaging-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(d)
		dist = d
		for _, tool := range []string{"dpkg-deb", "dpkg", "rpm"} {
			if _, err := exec.LookPath(tool); err != nil {
				fmt.Fprintf(os.Stderr, "the packaging tests need %s; run: scripts/deps.sh test\n", tool)
				return 1
			}
		}
		if out, err := script("package-linux.sh", "deb", "rpm", "tarball").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building the Linux packages: %v\n%s", err, out)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// script is a packaging script of the repository, writing into dist as version.
func script(name string, args ...string) *exec.Cmd {
	root := repoRoot()
	cmd := exec.Command(filepath.Join(root, "scripts", name), args...)
	cmd.Dir = root
	// TRIMPATH empty: the programs are built as test/gui builds the tray app, so the two share
	// Go's build cache (a cold cgo build of the tray app takes minutes).
	cmd.Env = append(os.Environ(), "DIST="+dist, "VERSION="+version, "TRIMPATH=")
	return cmd
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// installedFiles is every file both packages install; nothing else may be in them.
var installedFiles = []string{
	"/usr/bin/mcptray",
	"/usr/bin/mcptray-app",
	"/usr/bin/mcptray-otel",
	"/usr/share/applications/io.github.mcptray.desktop",
	"/usr/share/applications/io.github.mcptray.install.desktop",
	"/usr/share/doc/mcptray/copyright",
	"/usr/share/icons/hicolor/128x128/apps/io.github.mcptray.png",
	"/usr/share/icons/hicolor/256x256/apps/io.github.mcptray.png",
	"/usr/share/icons/hicolor/48x48/apps/io.github.mcptray.png",
	"/usr/share/icons/hicolor/512x512/apps/io.github.mcptray.png",
	"/usr/share/mcptray/apparmor/mcptray",
	"/usr/share/mime/packages/io.github.mcptray.mcpb.xml",
}

func deb(t *testing.T) string {
	t.Helper()
	return filepath.Join(dist, "mcptray_"+version+"_"+runtime.GOARCH+".deb")
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestDebHoldsEveryFileAndDeclaresItsNeeds(t *testing.T) {
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(run(t, "dpkg-deb", "-c", deb(t))), "\n") {
		f := strings.Fields(line)
		if strings.HasPrefix(f[0], "-") {
			files = append(files, strings.TrimPrefix(f[len(f)-1], "."))
			if strings.Contains(f[len(f)-1], "/bin/") && f[0] != "-rwxr-xr-x" {
				t.Errorf("%s is %s, want runnable by everyone", f[len(f)-1], f[0])
			}
		}
	}
	slices.Sort(files)
	if !slices.Equal(files, installedFiles) {
		t.Errorf("the .deb holds\n%s\nwant\n%s", strings.Join(files, "\n"), strings.Join(installedFiles, "\n"))
	}
	info := run(t, "dpkg-deb", "-I", deb(t))
	for _, want := range []string{"Package: mcptray", "Version: " + version, "Architecture: " + runtime.GOARCH, "libgl1", "Recommends: gnome-keyring"} {
		if !strings.Contains(info, want) {
			t.Errorf("the .deb's control has no %q:\n%s", want, info)
		}
	}
}

func TestDebProgramsRunFromWhereTheyInstall(t *testing.T) {
	root := t.TempDir()
	run(t, "dpkg-deb", "-x", deb(t), root)
	if out := run(t, filepath.Join(root, "usr/bin/mcptray"), "version"); out != "mcptray "+version+"\n" {
		t.Errorf("the installed mcptray says %q", out)
	}
	if out := run(t, filepath.Join(root, "usr/bin/mcptray-app"), "version"); out != "mcptray "+version+"\n" {
		t.Errorf("the installed mcptray-app says %q", out)
	}
	desktop, err := os.ReadFile(filepath.Join(root, "usr/share/applications/io.github.mcptray.desktop"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Name=MCP Tray\n", "Exec=mcptray-app\n", "Icon=io.github.mcptray\n", "Type=Application\n"} {
		if !strings.Contains(string(desktop), want) {
			t.Errorf("the desktop entry has no %q", want)
		}
	}
	// desktop-file-utils comes with scripts/deps.sh test.
	for _, entry := range []string{"io.github.mcptray.desktop", "io.github.mcptray.install.desktop"} {
		if out := run(t, "desktop-file-validate", filepath.Join(root, "usr/share/applications", entry)); out != "" {
			t.Errorf("desktop-file-validate %s:\n%s", entry, out)
		}
	}
}

// TestDebInstallAndPurgeLeaveTheHome installs the .deb with dpkg into a scratch root, as on a
// person's computer, then purges it: the programs go, the person's MCP Tray home stays.
func TestDebInstallAndPurgeLeaveTheHome(t *testing.T) {
	root := dpkgRoot(t, "") // no AppArmor
	admin := filepath.Join(root, "var/lib/dpkg")
	home := filepath.Join(root, "home/person/.config/mcptray")
	os.MkdirAll(home, 0o700)
	os.WriteFile(filepath.Join(home, "config.json"), []byte(`{"servers":{}}`), 0o600)

	dpkg := func(args ...string) string {
		t.Helper()
		base := []string{"--root=" + root, "--force-depends", "--force-not-root", "--force-script-chrootless", "--log=/dev/null"}
		return run(t, "dpkg", append(base, args...)...)
	}
	dpkg("-i", deb(t))
	if out := run(t, "dpkg-query", "--admindir="+admin, "-W", "-f=${Status} ${Version}", "mcptray"); out != "install ok installed "+version {
		t.Fatalf("after dpkg -i the package is %q", out)
	}
	owner := run(t, "dpkg-query", "--admindir="+admin, "-S", "/usr/bin/mcptray")
	if !strings.HasPrefix(owner, "mcptray: /usr/bin/mcptray") {
		t.Errorf("dpkg says /usr/bin/mcptray belongs to %q", owner)
	}
	if out := run(t, filepath.Join(root, "usr/bin/mcptray"), "version"); out != "mcptray "+version+"\n" {
		t.Errorf("the installed mcptray says %q", out)
	}
	startUnderXvfb(t, root, filepath.Dir(home), home)
	before := tree(t, home)

	dpkg("--purge", "mcptray")
	for _, f := range installedFiles {
		if _, err := os.Stat(filepath.Join(root, f)); err == nil {
			t.Errorf("%s is still there after purging", f)
		}
	}
	if b, err := os.ReadFile(filepath.Join(home, "config.json")); err != nil || string(b) != `{"servers":{}}` {
		t.Errorf("the person's MCP Tray home changed on purge: %q, %v", b, err)
	}
	if after := tree(t, home); !slices.Equal(before, after) {
		t.Errorf("purging changed the MCP Tray home:\nbefore %v\nafter  %v", before, after)
	}
}

// startUnderXvfb starts the installed tray app on a virtual screen, as the applications menu
// would, waits until its daemon answers the installed mcptray, and stops it again: returns
// once every process of the app's group (xvfb-run, Xvfb, the tray) has ended, so that nothing
// the tray still writes on its way out (the welcome's marker) lands after the caller looks.
// CI41 saw the marker appear during the purge after a stop that waited for xvfb-run alone.
func startUnderXvfb(t *testing.T, root, dir, home string) {
	t.Helper()
	if _, err := exec.LookPath("xvfb-run"); err != nil {
		t.Fatal("this test needs xvfb-run; run: scripts/deps.sh test")
	}
	u := &testbin.User{T: t, Bin: filepath.Join(root, "usr/bin/mcptray"), Dir: dir, Home: home}
	u.Env = append(os.Environ(), "MCPTRAY_HOME="+home, "HOME="+dir, "DISPLAY=", "WAYLAND_DISPLAY=")
	app := exec.Command("xvfb-run", "-a", "-s", "-screen 0 1280x1024x24 -noreset", filepath.Join(root, "usr/bin/mcptray-app"))
	app.Env = u.Env
	app.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			syscall.Kill(-app.Process.Pid, syscall.SIGTERM)
			app.Wait()
			u.Eventually("the tray app's processes end after SIGTERM", func() bool { return !testbin.GroupAlive(app.Process.Pid) })
		}
	}
	defer stop()
	u.Eventually("the installed MCP Tray answers", func() bool { running, _ := u.List(); return running })
	stop()
}

// tree lists every file under dir with its size, sorted.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			fi, _ := d.Info()
			files = append(files, fmt.Sprintf("%s %d", strings.TrimPrefix(p, dir), fi.Size()))
		}
		return nil
	})
	slices.Sort(files)
	return files
}

func TestRPMHoldsEveryFileAndDeclaresItsNeeds(t *testing.T) {
	rpm := filepath.Join(dist, "mcptray-"+version+"-1."+rpmArch()+".rpm")
	files := strings.Split(strings.TrimSpace(run(t, "rpm", "-qpl", rpm)), "\n")
	slices.Sort(files)
	if !slices.Equal(files, installedFiles) {
		t.Errorf("the .rpm holds\n%s\nwant\n%s", strings.Join(files, "\n"), strings.Join(installedFiles, "\n"))
	}
	if req := run(t, "rpm", "-qp", "--requires", rpm); !strings.Contains(req, "libGL.so.1()(64bit)") {
		t.Errorf("the .rpm does not require libGL:\n%s", req)
	}
	if rec := run(t, "rpm", "-qp", "--recommends", rpm); !strings.Contains(rec, "gnome-keyring") {
		t.Errorf("the .rpm does not recommend a Secret Service:\n%s", rec)
	}
}

// rpmArch is runtime.GOARCH as RPM names it.
func rpmArch() string {
	return map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
}

// TestTarballMakefileInstallsAndUninstalls uses the tarball as a person on another
// distribution would: make install into a root, then make uninstall.
func TestTarballMakefileInstallsAndUninstalls(t *testing.T) {
	src, dest := t.TempDir(), t.TempDir()
	run(t, "tar", "-xJf", filepath.Join(dist, "mcptray-"+version+"-linux-"+runtime.GOARCH+".tar.xz"), "-C", src)
	run(t, "make", "-C", src, "install", "DESTDIR="+dest, "PREFIX=/usr")
	got := tree(t, dest)
	var names []string
	for _, f := range got {
		names = append(names, strings.Fields(f)[0])
	}
	var want []string
	for _, f := range installedFiles {
		// The tarball has no copyright file and no AppArmor profile (it installs under /usr/local,
		// where the profile would not attach).
		if !strings.HasPrefix(f, "/usr/share/doc/") && !strings.HasPrefix(f, "/usr/share/mcptray/") {
			want = append(want, f)
		}
	}
	if !slices.Equal(names, want) {
		t.Errorf("make install wrote\n%s\nwant\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
	if fi, err := os.Stat(filepath.Join(dest, "usr/share/applications/io.github.mcptray.desktop")); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("the desktop entry: %v, %v", fi, err)
	}
	if out := run(t, filepath.Join(dest, "usr/bin/mcptray"), "version"); out != "mcptray "+version+"\n" {
		t.Errorf("the installed mcptray says %q", out)
	}
	run(t, "make", "-C", src, "uninstall", "DESTDIR="+dest, "PREFIX=/usr")
	if left := tree(t, dest); len(left) != 0 {
		t.Errorf("make uninstall left %v", left)
	}
}
