package release

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// Settings is the person's choice about app updates and when the last check ran. The zero
// value is the default: not asked yet, and off.
type Settings struct {
	// Asked is set once the person answered the question on first start, either way.
	Asked bool `json:"asked"`
	// Enabled is true only when the person agreed to daily checks.
	Enabled bool `json:"enabled"`
	// LastCheck is when the last check ran (whatever it found); zero before the first.
	LastCheck time.Time `json:"last_check,omitzero"`
}

// SettingsFile is where Settings live in an MCP Tray home's state folder (config.Home.StateDir).
func SettingsFile(stateDir string) string { return filepath.Join(stateDir, "app-update.json") }

// LoadSettings reads the settings at path; a missing file is the default (off, not asked).
func LoadSettings(path string) (Settings, error) {
	var s Settings
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("reading the app update settings: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return Settings{}, fmt.Errorf("the app update settings in %s cannot be read: %w", path, err)
	}
	return s, nil
}

// SaveSettings writes s to path atomically, creating its folder.
func SaveSettings(path string, s Settings) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("saving the app update settings: %w", err)
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	if err := atomicfile.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("saving the app update settings: %w", err)
	}
	return nil
}
