//go:build !linux && !darwin && !windows

package sandbox

import (
	"fmt"
	"os/exec"
)

// Check reports that this system cannot confine servers.
func Check() Status { return Status{} }

func supported(Status) bool { return false }

func gaps(Status) string {
	return "MCP Tray cannot confine servers on this system: they can read and change everything you can."
}

// Wrap returns ErrUnsupported: there is no confinement here.
func Wrap(cmd *exec.Cmd, r Rules) error { return fmt.Errorf("%w: %s", ErrUnsupported, gaps(Status{})) }

func systemReadPaths() []string  { return []string{"/usr", "/bin", "/sbin", "/lib", "/etc"} }
func systemWritePaths() []string { return []string{"/dev/null"} }
