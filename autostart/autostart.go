// Package autostart makes MCP Tray start when the person logs in: an XDG autostart entry
// (~/.config/autostart/ID.desktop) on Linux and other Unix desktops, a LaunchAgent
// (~/Library/LaunchAgents/ID.plist) on macOS, a value under the current user's Run key in the
// Windows registry. It is off until Enable is called, touches only the one entry it owns, and
// writes files atomically.
package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// Entry describes what starts at login. The zero values of Home and ConfigHome mean the
// person's own folders, so tests point them at temporary ones.
type Entry struct {
	// ID names the entry: the .desktop and .plist file name and the registry value; it must be
	// a reverse-DNS id such as "io.github.mcptray".
	ID string
	// Name is what the desktop shows ("MCP Tray").
	Name string
	// Command is the absolute path of the program to start; Args follow it.
	Command string
	Args    []string
	// Comment is a one-line description for desktops that show one.
	Comment string
	// Home is the person's home folder; empty means os.UserHomeDir().
	Home string
	// ConfigHome is $XDG_CONFIG_HOME (Linux); empty means that variable, else Home/.config.
	ConfigHome string
}

// Enable makes the entry start at login, replacing an older entry of the same ID. It is
// idempotent and safe to call from several goroutines for different IDs only.
func Enable(e Entry) error {
	if err := e.check(); err != nil {
		return err
	}
	return enable(e)
}

// Disable removes the entry; an entry that is not there is not an error. Idempotent.
func Disable(e Entry) error {
	if e.ID == "" {
		return errors.New("turning off start at login: no entry id given")
	}
	return disable(e)
}

// Enabled reports whether the entry is set to start at login with e's command. An entry with
// another command counts as enabled too (the person moved the app; Enable fixes it).
func Enabled(e Entry) (bool, error) {
	if e.ID == "" {
		return false, errors.New("checking start at login: no entry id given")
	}
	return enabled(e)
}

func (e Entry) check() error {
	switch {
	case e.ID == "":
		return errors.New("turning on start at login: no entry id given")
	case e.Command == "" || !filepath.IsAbs(e.Command):
		return errors.New("turning on start at login: MCP Tray could not tell where its own program is")
	}
	return nil
}

func (e Entry) home() (string, error) {
	if e.Home != "" {
		return e.Home, nil
	}
	return os.UserHomeDir()
}

// On macOS and other Unix desktops the entry is one file at Path(e); the helpers below keep
// it, given how the platform renders the file and reads its program back.

// writeEntryFile writes render(e) to the entry's file atomically, creating its folder with
// dirPerm first.
func writeEntryFile(e Entry, dirPerm os.FileMode, render func(Entry) string) error {
	p, err := Path(e)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), dirPerm); err != nil {
		return fmt.Errorf("turning on start at login: creating %s: %w", filepath.Dir(p), err)
	}
	if err := atomicfile.WriteFile(p, []byte(render(e)), 0o644); err != nil {
		return fmt.Errorf("turning on start at login: %w", err)
	}
	return nil
}

// removeEntryFile deletes the entry's file; a missing file is fine.
func removeEntryFile(e Entry) error {
	p, err := Path(e)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("turning off start at login: %w", err)
	}
	return nil
}

// entryFileNamesProgram reports whether the entry's file is there and program finds a
// program to start in its content; a missing file means false.
func entryFileNamesProgram(e Entry, program func(content string) string) (bool, error) {
	p, err := Path(e)
	if err != nil {
		return false, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("checking start at login: %w", err)
	}
	return program(string(b)) != "", nil
}
