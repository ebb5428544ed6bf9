package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
)

// Home is the MCP Tray home: a folder holding config.json, logs/, audit/, kube/ and backups.
type Home string

// DefaultHome returns $MCPTRAY_HOME if set, else os.UserConfigDir()/mcptray.
func DefaultHome() (Home, error) {
	if h := os.Getenv("MCPTRAY_HOME"); h != "" {
		abs, err := filepath.Abs(h)
		if err != nil {
			return "", fmt.Errorf("resolving MCPTRAY_HOME %q: %w", h, err)
		}
		return Home(abs), nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("finding the user configuration folder: %w", err)
	}
	return Home(filepath.Join(dir, "mcptray")), nil
}

// Ensure creates the home and its subfolders owner-only (0700) and tightens them if needed.
func (h Home) Ensure() error {
	for _, d := range []string{string(h), h.LogDir(), h.AuditDir(), h.KubeDir(), h.BackupDir()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return fmt.Errorf("creating %s: %w", d, err)
		}
		if err := os.Chmod(d, 0o700); err != nil {
			return fmt.Errorf("making %s private: %w", d, err)
		}
	}
	return nil
}

// ConfigFile is the path of config.json.
func (h Home) ConfigFile() string { return filepath.Join(string(h), "config.json") }

// LogDir holds one rotating stderr log per server.
func (h Home) LogDir() string { return filepath.Join(string(h), "logs") }

// AuditDir holds the hash-chained audit log, one file a day.
func (h Home) AuditDir() string { return filepath.Join(string(h), "audit") }

// KubeDir holds the one-context kubeconfigs written for Kubernetes servers.
func (h Home) KubeDir() string { return filepath.Join(string(h), "kube") }

// StateDir holds each server's own folder (StateDir/NAME): its data, its working folder
// when confined, its package caches. It is never part of a server's installed files.
func (h Home) StateDir() string { return filepath.Join(string(h), "state") }

// BackupDir holds backups of AI client config files.
func (h Home) BackupDir() string { return filepath.Join(string(h), "backups") }

// lockFile is taken by every writer of config.json.
func (h Home) lockFile() string { return filepath.Join(string(h), "config.lock") }

// SocketPath is the daemon's control socket. It lives in the home when the path fits the
// operating system's limit for socket paths (104 bytes on macOS); otherwise it moves to a
// private folder under the runtime directory ($XDG_RUNTIME_DIR/mcptray, else
// $TMPDIR/mcptray-UID), named after a hash of the home so that two homes never share a socket.
// A folder under /tmp could be made first by another user: package socket refuses to listen in
// or connect through a folder that is not the user's own and private, or is a link.
func (h Home) SocketPath() string {
	p := filepath.Join(string(h), "mcptray.sock")
	if len(p) < 100 {
		return p
	}
	sum := sha256.Sum256([]byte(h))
	name := hex.EncodeToString(sum[:8]) + ".sock"
	return filepath.Join(runtimeDir(), name)
}

func runtimeDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return filepath.Join(d, "mcptray")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("mcptray-%d", os.Getuid()))
}
