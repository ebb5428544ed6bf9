package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The AppArmor profile lets MCP Tray's daemon make the sandbox's user namespaces on Ubuntu
// (docs/sandbox.md). The packages ship it at shippedProfile; their postinst copies it to
// /etc/apparmor.d only where the AppArmor parser accepts it.
const shippedProfile = "/usr/share/mcptray/apparmor/mcptray"

// daemonPrograms are the programs that run MCP Tray's daemon and so create the namespaces
// (the helper they start is the same file, execed from /proc/self/exe's path): the profile
// must attach to exactly these.
var daemonPrograms = []string{"/usr/bin/mcptray", "/usr/bin/mcptray-app"}

// appArmor4 finds an AppArmor 4 parser and the policy folder it reads abi/4.0 from: the one
// scripts/apparmor4.sh unpacked (MCPTRAY_APPARMOR4, set by scripts/test.sh), else this system's.
func appArmor4(t *testing.T) (parser, policy string) {
	t.Helper()
	if d := os.Getenv("MCPTRAY_APPARMOR4"); d != "" {
		return filepath.Join(d, "apparmor_parser"), filepath.Join(d, "etc/apparmor.d")
	}
	p, err := exec.LookPath("apparmor_parser")
	if err == nil {
		if _, err := os.Stat("/etc/apparmor.d/abi/4.0"); err == nil {
			return p, "/etc/apparmor.d"
		}
	}
	t.Fatal("no AppArmor 4 parser here: scripts/deps.sh test unpacks one (make test does), or run scripts/apparmor4.sh DIR and set MCPTRAY_APPARMOR4=DIR")
	return "", ""
}

// dpkgRoot is an empty system for dpkg to install into, with the AppArmor policy files from
// policy copied to its /etc/apparmor.d (none: no AppArmor), less those named in without.
func dpkgRoot(t *testing.T, policy string, without ...string) string {
	t.Helper()
	root := t.TempDir()
	admin := filepath.Join(root, "var/lib/dpkg")
	for _, d := range []string{"info", "updates", "triggers"} {
		os.MkdirAll(filepath.Join(admin, d), 0o755)
	}
	os.WriteFile(filepath.Join(admin, "status"), nil, 0o644)
	os.WriteFile(filepath.Join(admin, "available"), nil, 0o644)
	if policy != "" {
		dst := filepath.Join(root, "etc/apparmor.d")
		os.MkdirAll(dst, 0o755)
		for _, d := range []string{"abi", "tunables"} {
			run(t, "cp", "-r", filepath.Join(policy, d), dst)
		}
		for _, f := range without {
			os.Remove(filepath.Join(dst, f))
		}
	}
	return root
}

// dpkgIn runs dpkg on root with parser (if any) first in PATH, as the maintainer scripts see it.
func dpkgIn(t *testing.T, root, parser string, args ...string) {
	t.Helper()
	base := []string{"--root=" + root, "--force-depends", "--force-not-root", "--force-script-chrootless", "--log=/dev/null"}
	cmd := exec.Command("dpkg", append(base, args...)...)
	cmd.Env = os.Environ()
	if parser != "" {
		bin := t.TempDir()
		os.Symlink(parser, filepath.Join(bin, "apparmor_parser"))
		cmd.Env = append(cmd.Env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("dpkg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func TestPackagesShipTheAppArmorProfileWithTheirScripts(t *testing.T) {
	root := t.TempDir()
	run(t, "dpkg-deb", "-x", deb(t), root)
	shipped, err := os.ReadFile(filepath.Join(root, shippedProfile))
	if err != nil {
		t.Fatalf("the .deb has no AppArmor profile: %v", err)
	}
	if src, _ := os.ReadFile(filepath.Join(repoRoot(), "packaging/linux/apparmor/mcptray")); string(src) != string(shipped) {
		t.Errorf("the .deb's %s is not packaging/linux/apparmor/mcptray", shippedProfile)
	}
	control := t.TempDir()
	run(t, "dpkg-deb", "-e", deb(t), control)
	if b, _ := os.ReadFile(filepath.Join(control, "triggers")); strings.TrimSpace(string(b)) != "interest-noawait /etc/apparmor.d/abi" {
		t.Errorf("the .deb's triggers are %q, want its postinst run again when AppArmor's abi files change", b)
	}
	for _, s := range []string{"preinst", "prerm"} {
		if _, err := os.Stat(filepath.Join(control, s)); err == nil {
			t.Errorf("the .deb has a %s script", s)
		}
	}
	scripts := run(t, "rpm", "-qp", "--scripts", filepath.Join(dist, "mcptray-"+version+"-1."+rpmArch()+".rpm"))
	for script, file := range map[string]string{"postinst": "postinstall.sh", "postrm": "postremove.sh"} {
		want, _ := os.ReadFile(filepath.Join(repoRoot(), "packaging/linux", file))
		if got, err := os.ReadFile(filepath.Join(control, script)); err != nil || string(got) != string(want) {
			t.Errorf("the .deb's %s is not packaging/linux/%s: %v", script, file, err)
		}
		_, body, _ := strings.Cut(string(want), "\n") // all but the #! line, which rpm shows apart
		if !strings.Contains(scripts, strings.TrimSpace(body)) {
			t.Errorf("the .rpm does not run packaging/linux/%s:\n%s", file, scripts)
		}
	}
	for _, scriptlet := range []string{"postinstall scriptlet", "postuninstall scriptlet"} {
		if !strings.Contains(scripts, scriptlet) {
			t.Errorf("the .rpm has no %s:\n%s", scriptlet, scripts)
		}
	}
	if strings.Contains(scripts, "preinstall scriptlet") || strings.Contains(scripts, "preuninstall scriptlet") {
		t.Errorf("the .rpm has scripts before install or removal:\n%s", scripts)
	}
}

// TestDebLeavesAppArmorAloneWithoutAnAppArmor4Policy installs where /etc/apparmor.d holds
// nothing AppArmor 4 reads (Debian 12 without the apparmor package has an /etc/apparmor.d of
// man-db's, and maybe no parser): the install succeeds and adds no profile, which would fail
// every boot's profile load there.
func TestDebLeavesAppArmorAloneWithoutAnAppArmor4Policy(t *testing.T) {
	root := dpkgRoot(t, "")
	os.MkdirAll(filepath.Join(root, "etc/apparmor.d"), 0o755)
	dpkgIn(t, root, "", "-i", deb(t))
	if _, err := os.Stat(filepath.Join(root, "etc/apparmor.d/mcptray")); err == nil {
		t.Error("the postinst installed the AppArmor profile where no AppArmor 4 policy is")
	}
	dpkgIn(t, root, "", "--purge", "mcptray")
}

func TestAppArmorProfileParsesAndAttachesToTheDaemonPrograms(t *testing.T) {
	parser, policy := appArmor4(t)
	root := t.TempDir()
	run(t, "dpkg-deb", "-x", deb(t), root)
	profile := filepath.Join(root, shippedProfile)
	out, err := exec.Command(parser, "--skip-kernel-load", "--skip-cache", "--base", policy, "--names", profile).Output()
	if err != nil {
		t.Fatalf("AppArmor 4's parser refuses the profile: %v\n%s", err, err.(*exec.ExitError).Stderr)
	}
	names := strings.Fields(string(out))
	slices.Sort(names)
	if want := []string{"mcptray", "mcptray-app"}; !slices.Equal(names, want) {
		t.Errorf("the profile names %v, want %v", names, want)
	}
	// Parsed for real above; here only which programs each profile attaches to, and that it
	// allows user namespaces.
	src, _ := os.ReadFile(profile)
	var attached []string
	for _, m := range regexp.MustCompile(`(?m)^profile (\S+) (/\S+) flags=\(unconfined\) \{\n((?:.*\n)*?)\}`).FindAllStringSubmatch(string(src), -1) {
		attached = append(attached, m[2])
		if !strings.Contains(m[3], "\n  userns,\n") && !strings.HasPrefix(m[3], "  userns,\n") {
			t.Errorf("the profile %s does not allow userns", m[1])
		}
		if _, err := os.Stat(filepath.Join(root, m[2])); err != nil {
			t.Errorf("the profile %s attaches to %s, which the .deb does not install", m[1], m[2])
		}
	}
	slices.Sort(attached)
	if !slices.Equal(attached, daemonPrograms) {
		t.Errorf("the profiles attach to %v, want exactly %v", attached, daemonPrograms)
	}
}

// TestDebInstallsTheAppArmorProfileOnlyWhereItParses installs the .deb into scratch roots
// with AppArmor 4's parser in PATH, as on Ubuntu 24.04, and with the same parser but no
// abi/4.0 (an AppArmor 3 policy, Ubuntu 22.04's), and removes it again.
func TestDebInstallsTheAppArmorProfileOnlyWhereItParses(t *testing.T) {
	parser, policy := appArmor4(t)
	t.Run("AppArmor 4", func(t *testing.T) {
		root := dpkgRoot(t, policy)
		dpkgIn(t, root, parser, "-i", deb(t))
		got, err := os.ReadFile(filepath.Join(root, "etc/apparmor.d/mcptray"))
		want, _ := os.ReadFile(filepath.Join(root, shippedProfile))
		if err != nil || string(got) != string(want) {
			t.Fatalf("after dpkg -i /etc/apparmor.d/mcptray is %q, %v; want the shipped profile", got, err)
		}
		if fi, _ := os.Stat(filepath.Join(root, "etc/apparmor.d/mcptray")); fi.Mode().Perm() != 0o644 {
			t.Errorf("the profile's mode is %v", fi.Mode())
		}
		dpkgIn(t, root, parser, "-r", "mcptray")
		if entries, _ := os.ReadDir(filepath.Join(root, "etc/apparmor.d")); len(entries) != 2 {
			t.Errorf("after dpkg -r /etc/apparmor.d holds %v, want only abi and tunables", entries)
		}
	})
	t.Run("AppArmor 3 policy", func(t *testing.T) {
		root := dpkgRoot(t, policy, "abi/4.0")
		dpkgIn(t, root, parser, "-i", deb(t))
		if _, err := os.Stat(filepath.Join(root, "etc/apparmor.d/mcptray")); err == nil {
			t.Error("the postinst installed the profile where abi/4.0 is missing")
		}
		dpkgIn(t, root, parser, "--purge", "mcptray")
	})
}
