package release

import (
	"os/exec"
	"strings"
)

// systemManaged asks dpkg, then rpm, whether a package owns exe.
func systemManaged(exe string) (Manager, bool) {
	if out, err := exec.Command("dpkg-query", "-S", exe).Output(); err == nil {
		if pkg, _, ok := strings.Cut(strings.TrimSpace(string(out)), ":"); ok && pkg != "" {
			return Manager{Name: "apt", Command: "sudo apt update && sudo apt install --only-upgrade " + pkg}, true
		}
	}
	if out, err := exec.Command("rpm", "-qf", "--queryformat", "%{NAME}", exe).Output(); err == nil {
		if pkg := strings.TrimSpace(string(out)); pkg != "" && !strings.Contains(pkg, " ") {
			return Manager{Name: "dnf", Command: "sudo dnf upgrade " + pkg}, true
		}
	}
	return Manager{}, false
}
