package reconcile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/atomicfile"
	"github.com/mcptray/mcptray/policy"
)

// Grants keeps "always allow" answers given on a Kubernetes server, each bound to the context
// it was given on, in kube/grants.json: config.json's per-tool rules have no context, and an
// always grant must not carry over to another context. Safe for concurrent use.
type Grants struct {
	path string
	mu   sync.Mutex
}

// NewGrants returns the grants saved in home; it reads nothing until Load.
func NewGrants(home config.Home) *Grants {
	return &Grants{path: filepath.Join(home.KubeDir(), "grants.json")}
}

// Load returns the saved grants; a missing file is none, an unreadable one is an error.
func (s *Grants) Load() ([]policy.AlwaysGrant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loadLocked()
}

func (s *Grants) loadLocked() ([]policy.AlwaysGrant, error) {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.path, err)
	}
	var list []policy.AlwaysGrant
	if err := json.Unmarshal(b, &list); err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.path, err)
	}
	return list, nil
}

// Add saves one grant (an atomic write); saving the same grant twice changes nothing.
func (s *Grants) Add(g policy.AlwaysGrant) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	list, err := s.loadLocked()
	if err != nil {
		return err
	}
	if slices.Contains(list, g) {
		return nil
	}
	b, err := json.MarshalIndent(append(list, g), "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(s.path, append(b, '\n'), 0o600)
}
