package sandbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

// sandboxExec is macOS's own sandbox tool; it applies a profile and execs the command, so the
// process the supervisor starts becomes the server.
const sandboxExec = "/usr/bin/sandbox-exec"

var status struct {
	once sync.Once
	s    Status
}

// Check returns what this machine can enforce: whether sandbox-exec is present. Safe for
// concurrent use.
func Check() Status {
	status.once.Do(func() {
		_, err := os.Stat(sandboxExec)
		status.s.Profiles = err == nil
	})
	return status.s
}

func supported(s Status) bool { return s.Profiles }

func gaps(s Status) string {
	if !s.Profiles {
		return "This Mac has no sandbox-exec, so servers cannot be confined: they can read and change everything you can."
	}
	return "On macOS a confined server can still read files outside your home folder that every program may read."
}

// Wrap changes cmd, whose Path must be absolute, so that sandbox-exec starts it under the
// profile generated from r. It creates r.Make first and resolves symbolic links (/tmp is
// /private/tmp) so that the profile names the paths the kernel sees.
func Wrap(cmd *exec.Cmd, r Rules) error {
	if !Check().Supported() {
		return fmt.Errorf("%w: %s", ErrUnsupported, gaps(Check()))
	}
	for _, d := range r.Make {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("creating the server's folder: %w", err)
		}
	}
	home, _ := os.UserHomeDir()
	r.Read, r.Write, r.Hide = realPaths(r.Read), realPaths(r.Write), realPaths(r.Hide)
	if real, err := filepath.EvalSymlinks(home); err == nil {
		home = real
	}
	argv := cmd.Args
	if len(argv) == 0 {
		argv = []string{cmd.Path}
	}
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, r.Env...)
	cmd.Args = append([]string{sandboxExec, "-p", seatbeltProfile(r, home), cmd.Path}, argv[1:]...)
	cmd.Path = sandboxExec
	return nil
}

func realPaths(ps []string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		out = append(out, p)
	}
	return out
}

func systemReadPaths() []string {
	return []string{"/usr", "/bin", "/sbin", "/System", "/Library", "/opt/homebrew", "/private/etc", "/private/var/db"}
}

func systemWritePaths() []string { return []string{"/dev"} }
