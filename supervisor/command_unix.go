//go:build !windows

package supervisor

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// loginShellPath asks the person's login shell for its PATH. Interactive-login first, since
// nvm and friends are often set up only in the interactive rc file; a shell that prints noise
// or hangs is bounded by markers and a timeout. Returns "" when no shell answers.
func loginShellPath(ctx context.Context) string {
	shell := os.Getenv("SHELL")
	if shell == "" {
		shell = "/bin/sh"
	}
	const begin, end = "__MCPTRAY_PATH_BEGIN__", "__MCPTRAY_PATH_END__"
	script := `printf '%s%s%s' '` + begin + `' "$PATH" '` + end + `'`
	for _, flags := range [][]string{{"-i", "-l", "-c"}, {"-l", "-c"}} {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		cmd := exec.CommandContext(ctx, shell, append(flags, script)...)
		cmd.Stdin = nil
		cmd.Env = append(os.Environ(), "TERM=dumb")
		out, _ := cmd.Output()
		cancel()
		if i := bytes.Index(out, []byte(begin)); i >= 0 {
			out = out[i+len(begin):]
			if j := bytes.Index(out, []byte(end)); j >= 0 {
				return string(out[:j])
			}
		}
	}
	return ""
}

func wellKnownDirs() []string {
	home, _ := os.UserHomeDir()
	dirs := []string{"/opt/homebrew/bin", "/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"}
	if home != "" {
		dirs = append(dirs,
			filepath.Join(home, ".local", "bin"), filepath.Join(home, ".cargo", "bin"),
			filepath.Join(home, ".volta", "bin"), filepath.Join(home, ".bun", "bin"),
			filepath.Join(home, ".local", "share", "mise", "shims"), filepath.Join(home, ".asdf", "shims"))
	}
	return dirs
}

func executableNames(name string) []string { return []string{name} }

func executableMode(fi fs.FileInfo) bool { return fi.Mode()&0o111 != 0 }
