package release

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// rpmDatabases are where distributions built on rpm keep the system's package database
// (Fedora 36 and later, openSUSE: /usr/lib/sysimage/rpm; older ones: /var/lib/rpm), and the
// files that show a database is really there (sqlite, Berkeley DB, ndb).
var (
	rpmDatabases = []string{"/usr/lib/sysimage/rpm", "/var/lib/rpm"}
	rpmFiles     = []string{"rpmdb.sqlite", "Packages", "Packages.db"}
)

// systemManaged asks dpkg, then rpm, whether a package owns exe. rpm is asked only about a
// system database that exists, named by path: a Debian or Ubuntu machine with the rpm tool
// installed has none, and rpm left to itself there makes one in the person's home (~/.rpmdb).
func systemManaged(exe string) (Manager, bool) {
	if out, err := exec.Command("dpkg-query", "-S", exe).Output(); err == nil {
		if pkg, _, ok := strings.Cut(strings.TrimSpace(string(out)), ":"); ok && pkg != "" {
			return Manager{Name: "apt", Command: "sudo apt update && sudo apt install --only-upgrade " + pkg}, true
		}
	}
	db, ok := rpmDatabase(rpmDatabases)
	if !ok {
		return Manager{}, false
	}
	if out, err := exec.Command("rpm", "--dbpath", db, "-qf", "--queryformat", "%{NAME}", exe).Output(); err == nil {
		if pkg := strings.TrimSpace(string(out)); pkg != "" && !strings.Contains(pkg, " ") {
			return Manager{Name: "dnf", Command: "sudo dnf upgrade " + pkg}, true
		}
	}
	return Manager{}, false
}

// rpmDatabase is the first of dirs holding an rpm database.
func rpmDatabase(dirs []string) (string, bool) {
	for _, dir := range dirs {
		for _, f := range rpmFiles {
			if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
				return dir, true
			}
		}
	}
	return "", false
}
