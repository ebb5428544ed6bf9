package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// ErrInvalid is wrapped by every error about the content of config.json.
var ErrInvalid = errors.New("invalid config")

// FileError is config.json failing to parse or validate. Its message is one sentence that
// names the file, the line when known, and what is wrong.
type FileError struct {
	Path string
	Line int // 0 when unknown
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s, line %d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

func (e *FileError) Unwrap() error { return ErrInvalid }

// Load reads and validates config.json. A missing file is an empty configuration, not an
// error. Load never writes.
func (h Home) Load() (*Config, error) {
	c, _, err := h.load()
	return c, err
}

// LoadData is Load that also returns the bytes it read (nil for a missing file).
func (h Home) LoadData() (*Config, []byte, error) { return h.load() }

func (h Home) load() (*Config, []byte, error) {
	data, err := os.ReadFile(h.ConfigFile())
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{Servers: map[string]*Server{}}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", h.ConfigFile(), err)
	}
	c, err := Parse(h.ConfigFile(), data)
	return c, data, err
}

// Parse decodes and validates config.json content; path is used in error messages.
func Parse(path string, data []byte) (*Config, error) {
	var c Config
	if len(bytes.TrimSpace(data)) == 0 {
		return &Config{Servers: map[string]*Server{}}, nil
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, decodeError(path, data, err)
	}
	if c.Servers == nil {
		c.Servers = map[string]*Server{}
	}
	if err := c.Validate(); err != nil {
		return nil, &FileError{Path: path, Line: lineOfKey(data, err), Msg: err.Error()}
	}
	return &c, nil
}

// decodeError turns a JSON error into a sentence with a line number.
func decodeError(path string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &FileError{Path: path, Line: lineAt(data, syn.Offset), Msg: "this is not valid JSON (" + syn.Error() + "); fix or remove that part and MCP Tray will read it again"}
	case errors.As(err, &typ):
		if fe := diagnose(path, data, err); fe != nil {
			return fe
		}
		field := strings.TrimPrefix(typ.Field, ".")
		return &FileError{Path: path, Line: lineAt(data, typ.Offset), Msg: fmt.Sprintf("%s should be %s, not a JSON %s", field, describeType(typ.Type.String()), typ.Value)}
	case errors.Is(err, ErrInvalid):
		return err
	default:
		return &FileError{Path: path, Msg: "this is not valid JSON (" + err.Error() + ")"}
	}
}

func describeType(t string) string {
	switch {
	case t == "string" || strings.HasSuffix(t, ".Mode") || strings.HasSuffix(t, ".Rule"):
		return "text"
	case t == "bool":
		return "true or false"
	case t == "int":
		return "a whole number"
	case t == "[]string":
		return "a list of texts"
	case strings.HasPrefix(t, "map["):
		return "an object"
	default:
		return "an object"
	}
}

// lineAt converts a byte offset into a 1-based line number.
func lineAt(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// lineOfKey finds the line of the server a validation error is about, when it names one.
func lineOfKey(data []byte, err error) int {
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Server == "" {
		return 0
	}
	key, _ := json.Marshal(ve.Server)
	i := bytes.Index(data, append(key, ':'))
	if i < 0 {
		i = bytes.Index(data, key)
	}
	if i < 0 {
		return 0
	}
	return lineAt(data, int64(i))
}

// Save validates c and writes it atomically (0600, home 0700). It does not lock: use Update
// unless you hold the lock already.
func (h Home) Save(c *Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := h.Ensure(); err != nil {
		return err
	}
	return h.write(c)
}

// write encodes c and replaces config.json with it atomically; c is already valid.
func (h Home) write(c *Config) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding config: %w", err)
	}
	data = append(data, '\n')
	if err := atomicfile.WriteFile(h.ConfigFile(), data, 0o600); err != nil {
		return fmt.Errorf("saving config: %w", err)
	}
	return nil
}

// Update applies change to the current config.json under an exclusive lock held across
// processes: it re-reads the file, calls change, validates and saves atomically. If the file
// does not parse, Update returns that error and leaves the file byte-identical. If change
// returns an error nothing is written. Before writing, Update tells the write hook (see
// WriteHook), which may refuse the write. Update blocks while another writer holds the lock.
func (h Home) Update(change func(*Config) error) error {
	return h.Locked(func() error {
		c, _, err := h.load()
		if err != nil {
			return err
		}
		before := c.Clone()
		if err := change(c); err != nil {
			return err
		}
		if err := c.Validate(); err != nil {
			return err
		}
		if hook := writeHook(h); hook != nil {
			if err := hook(h, before, c); err != nil {
				return err
			}
		}
		return h.write(c)
	})
}
