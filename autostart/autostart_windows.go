package autostart

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// runKey is the current user's list of programs Windows starts at login.
const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// Path returns where the entry lives: a value named ID under the current user's Run key.
func Path(e Entry) (string, error) { return `HKCU\` + runKey + `\` + e.ID, nil }

func commandLine(e Entry) string {
	parts := []string{`"` + e.Command + `"`}
	for _, a := range e.Args {
		if strings.ContainsAny(a, " \t\"") {
			a = `"` + strings.ReplaceAll(a, `"`, `\"`) + `"`
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

func enable(e Entry) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("turning on start at login: opening the Run key: %w", err)
	}
	defer k.Close()
	if err := k.SetStringValue(e.ID, commandLine(e)); err != nil {
		return fmt.Errorf("turning on start at login: %w", err)
	}
	return nil
}

func disable(e Entry) error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("turning off start at login: opening the Run key: %w", err)
	}
	defer k.Close()
	if err := k.DeleteValue(e.ID); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("turning off start at login: %w", err)
	}
	return nil
}

func enabled(e Entry) (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("checking start at login: %w", err)
	}
	defer k.Close()
	v, _, err := k.GetStringValue(e.ID)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("checking start at login: %w", err)
	}
	return v != "", nil
}
