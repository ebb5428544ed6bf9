package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// Pin is the definition of one tool as MCP Tray first saw it (or as the person last accepted
// it), and what the server presents now if that differs.
type Pin struct {
	// Fingerprint is that of Tool: SHA-256 over the canonical JSON of the whole definition
	// but its volatile fields (see Tool.Definition). Definition is that canonical JSON with
	// every secret value MCP Tray knows replaced by its marker (see PinOptions.Redact), kept
	// so a review can show the old definition next to the new one; it is for people, the
	// fingerprint alone decides.
	Fingerprint string          `json:"fingerprint"`
	Definition  json.RawMessage `json:"definition"`
	// Scheme is what Fingerprint covers: pinWhole, or 0 for a pin recorded before pins.json
	// version 2, which covered name, description, inputSchema and annotations only.
	Scheme   int       `json:"scheme,omitempty"`
	PinnedAt time.Time `json:"pinned_at"`
	// Changed is the different definition the server presented, awaiting the person's
	// review; while it is set the tool is blocked.
	Changed *PinChange `json:"changed,omitempty"`
	// RemovedAt is when a complete tool list last came without this tool.
	RemovedAt *time.Time `json:"removed_at,omitempty"`
}

// PinChange is a definition that differs from the pinned one.
type PinChange struct {
	Fingerprint string          `json:"fingerprint"`
	Definition  json.RawMessage `json:"definition"`
	SeenAt      time.Time       `json:"seen_at"`
}

// pinWhole is the Pin.Scheme of a fingerprint over the whole definition.
const pinWhole = 2

// pinFileVersion is the version of pins.json this MCP Tray writes. Version 1 files (pins of
// the four old fields) are read, and their pins carried over as tools are seen again.
const pinFileVersion = 2

// pinFile is the JSON document on disk: {"version":2,"servers":{server:{tool:Pin}}}.
type pinFile struct {
	Version int                        `json:"version"`
	Servers map[string]map[string]*Pin `json:"servers"`
}

// ErrNoPinChange reports a review or accept for a tool whose definition has not changed.
var ErrNoPinChange = errors.New("this tool has no change waiting for review")

// ErrPinMovedOn reports an accept for a definition that is no longer the one the server
// presents: the server changed the tool again after the person reviewed it.
var ErrPinMovedOn = errors.New("the tool changed again after you reviewed it: review it again")

// PinStore records the first-seen definition of every tool of every server in one JSON file
// (0600, written atomically), so a server that later changes a tool (a rug pull) is caught.
// It is safe for concurrent use.
type PinStore struct {
	path   string
	now    func() time.Time
	redact func([]byte) []byte

	mu      sync.Mutex
	servers map[string]map[string]*Pin
}

// PinOptions configure a PinStore; the zero value is ready.
type PinOptions struct {
	// Redact returns a definition with every secret value MCP Tray knows replaced (the
	// daemon passes its secret redactor): a tool definition can hold a secret (a server may
	// put its token in a description), and pins.json must never hold one. It is applied to
	// every definition kept, in memory and on each save; nil keeps definitions as they came.
	Redact func([]byte) []byte
}

// OpenPins loads the pin file at path, or starts an empty store if the file does not exist.
// An empty path keeps pins in memory only (tests, or a home that cannot be written). A file
// that cannot be read or parsed is an error, never a silent fresh start, because that would
// accept every rug pull. At most one PinOptions is used.
func OpenPins(path string, opts ...PinOptions) (*PinStore, error) {
	s := &PinStore{path: path, now: time.Now, servers: map[string]map[string]*Pin{}}
	if len(opts) > 0 {
		s.redact = opts[0].Redact
	}
	if path == "" {
		return s, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the tool pins in %s: %w", path, err)
	}
	var f pinFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("reading the tool pins in %s: the file is damaged (%v); move it away to start pinning afresh", path, err)
	}
	if f.Version != 1 && f.Version != pinFileVersion {
		return nil, fmt.Errorf("reading the tool pins in %s: version %d is not one this MCP Tray knows", path, f.Version)
	}
	// The file is indented for people; definitions go back to canonical bytes.
	for server, tools := range f.Servers {
		for name, p := range tools {
			if p == nil {
				delete(tools, name)
				continue
			}
			defs := []*json.RawMessage{&p.Definition}
			if p.Changed != nil {
				defs = append(defs, &p.Changed.Definition)
			}
			for _, d := range defs {
				canon, err := Canonicalize(*d)
				if err != nil {
					return nil, fmt.Errorf("reading the tool pins in %s: the pin of %s of %s is damaged; move the file away to start pinning afresh", path, name, server)
				}
				*d = s.redacted(canon)
			}
			if f.Version == 1 {
				p.Scheme = 0 // whatever the file says: version 1 pins are of the old four fields
			}
		}
		if tools != nil {
			s.servers[server] = tools
		}
	}
	return s, nil
}

// PinResult says what one observation of a server's tool list changed.
type PinResult struct {
	New     []string // seen for the first time, pinned now
	Changed []string // different from their pin: blocked until reviewed
	Removed []string // pinned but missing from a complete list
}

// Observe compares the tools a server presents with their pins: a tool seen for the first time
// is pinned, a tool whose fingerprint differs gets a pending change (and is blocked), a tool
// that again presents its pinned definition is unblocked, and when complete is true (the list
// is the server's whole list, not one page) pinned tools missing from it are noted as removed.
// A pin recorded before version 2 (of four fields only) is carried over silently to the whole
// definition when those four fields are still what was pinned; otherwise the tool is changed.
// The file is rewritten only when something changed; if writing fails the observation still
// holds in memory and the error says so.
func (s *PinStore) Observe(server string, tools []Tool, complete bool) (PinResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().UTC()
	pins := s.servers[server]
	if pins == nil {
		pins = map[string]*Pin{}
		s.servers[server] = pins
	}
	var res PinResult
	dirty := false
	seen := make(map[string]bool, len(tools))
	for _, t := range tools {
		seen[t.Name] = true
		p := pins[t.Name]
		switch {
		case p == nil:
			pins[t.Name] = &Pin{Fingerprint: t.Fingerprint, Definition: s.redacted(t.Definition), Scheme: pinWhole, PinnedAt: now}
			res.New = append(res.New, t.Name)
			dirty = true
			continue
		case p.Scheme != pinWhole && p.Fingerprint == t.LegacyFingerprint:
			// What the person saw is unchanged: the pin now covers the whole definition.
			p.Fingerprint, p.Definition, p.Scheme = t.Fingerprint, s.redacted(t.Definition), pinWhole
			p.Changed = nil
			dirty = true
		case p.Fingerprint == t.Fingerprint:
			if p.Changed != nil {
				p.Changed = nil // the server went back to the definition the person knows
				dirty = true
			}
		default:
			res.Changed = append(res.Changed, t.Name)
			if p.Changed == nil || p.Changed.Fingerprint != t.Fingerprint {
				p.Changed = &PinChange{Fingerprint: t.Fingerprint, Definition: s.redacted(t.Definition), SeenAt: now}
				dirty = true
			}
		}
		if p.RemovedAt != nil {
			p.RemovedAt = nil
			dirty = true
		}
	}
	if complete {
		for name, p := range pins {
			if !seen[name] && p.RemovedAt == nil {
				p.RemovedAt = &now
				res.Removed = append(res.Removed, name)
				dirty = true
			}
		}
	}
	if !dirty {
		return res, nil
	}
	return res, s.saveLocked()
}

// Pin returns a copy of the pin of one tool, and whether there is one.
func (s *PinStore) Pin(server, tool string) (Pin, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.servers[server][tool]
	if p == nil {
		return Pin{}, false
	}
	return *p, true
}

// Accept makes the changed definition of a tool its new pin, unblocking it; with an Engine,
// call Engine.AcceptPin instead so the engine unblocks the tool at once. fingerprint must
// be the NewFingerprint of the review the person saw: if the server has changed the tool
// again since, Accept fails with ErrPinMovedOn and nothing changes.
func (s *PinStore) Accept(server, tool, fingerprint string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.servers[server][tool]
	switch {
	case p == nil || p.Changed == nil:
		return fmt.Errorf("accepting the change to %s of %s: %w", tool, server, ErrNoPinChange)
	case p.Changed.Fingerprint != fingerprint:
		return fmt.Errorf("accepting the change to %s of %s: %w", tool, server, ErrPinMovedOn)
	}
	p.Fingerprint, p.Definition, p.Scheme, p.PinnedAt = p.Changed.Fingerprint, p.Changed.Definition, pinWhole, s.now().UTC()
	p.Changed = nil
	return s.saveLocked()
}

// each calls fn for every pin, with the lock held.
func (s *PinStore) each(fn func(server, tool string, p *Pin)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for server, tools := range s.servers {
		for name, p := range tools {
			fn(server, name, p)
		}
	}
}

func (s *PinStore) saveLocked() error {
	if s.path == "" {
		return nil
	}
	// Secrets learnt since a definition was kept are taken out now.
	for _, tools := range s.servers {
		for _, p := range tools {
			p.Definition = s.redacted(p.Definition)
			if p.Changed != nil {
				p.Changed.Definition = s.redacted(p.Changed.Definition)
			}
		}
	}
	b, err := json.MarshalIndent(pinFile{Version: pinFileVersion, Servers: s.servers}, "", "  ")
	if err != nil {
		return fmt.Errorf("saving the tool pins: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("saving the tool pins: %w", err)
	}
	if err := atomicfile.WriteFile(s.path, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("saving the tool pins: %w", err)
	}
	return nil
}

// carriesSecret reports whether name holds a secret value MCP Tray knows (Redact would
// change it): a tool's name is kept and shown as it is, so such a tool is never pinned.
func (s *PinStore) carriesSecret(name string) bool { return s.shown(name) != name }

// shown is text (a tool's name, a scanner's finding) with the secret values MCP Tray knows
// taken out, for a listing; text itself when nothing is known.
func (s *PinStore) shown(text string) string { return displayText(text, s.redact) }

// redacted is def without secret values. Should taking them out break the JSON (a secret
// that straddles a string's end), the redacted text is kept as one JSON string instead.
func (s *PinStore) redacted(def json.RawMessage) json.RawMessage {
	if s.redact == nil {
		return def
	}
	out := s.redact(def)
	if string(out) == string(def) {
		return def
	}
	if c, err := Canonicalize(out); err == nil {
		return c
	}
	q, _ := json.Marshal(string(out))
	return q
}
