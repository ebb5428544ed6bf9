package release

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcptray/mcptray/internal/display"
)

// Manager is a package manager that installed MCP Tray and so updates it.
type Manager struct {
	// Name is what installed it: "apt", "dnf", "Homebrew", "the MSI installer".
	Name string
	// Command is what the person runs to update it.
	Command string
}

// Sentence says, for the person, who updates this copy and how.
func (m Manager) Sentence() string {
	return "This copy of MCP Tray was installed with " + m.Name + ", which also updates it: run " + m.Command
}

// MarkerFile is a file an installer puts beside the programs to say it owns them (the MSI
// does): its first line is the command that updates MCP Tray.
const MarkerFile = "installed-by.txt"

// Managed reports whether the program at exe (normally os.Executable) was installed by a
// package manager, and which one. Such a copy is never replaced by Apply: the package
// manager's records would no longer match, and it would put its own version back.
func Managed(exe string) (Manager, bool) {
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	if m, ok := markerBeside(exe); ok {
		return m, true
	}
	return systemManaged(exe)
}

// markerBeside reads MarkerFile next to exe.
func markerBeside(exe string) (Manager, bool) {
	f, err := os.Open(filepath.Join(filepath.Dir(exe), MarkerFile))
	if err != nil {
		return Manager{}, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return Manager{}, false
	}
	cmd := strings.TrimSpace(sc.Text())
	if cmd == "" {
		return Manager{}, false
	}
	return Manager{Name: "its installer", Command: display.Line(cmd)}, true
}
