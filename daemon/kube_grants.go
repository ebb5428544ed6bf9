package daemon

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

// scopedGrants keeps "always allow" answers given on a Kubernetes server, each bound to the
// context it was given on, in kube/grants.json: config.json's per-tool rules have no context,
// and an always grant must not carry over to another context. Safe for concurrent use.
type scopedGrants struct {
	path string
	mu   sync.Mutex
}

func newScopedGrants(home config.Home) *scopedGrants {
	return &scopedGrants{path: filepath.Join(home.KubeDir(), "grants.json")}
}

// load returns the saved grants; a missing file is none, an unreadable one is an error.
func (s *scopedGrants) load() ([]policy.AlwaysGrant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loadLocked()
}

func (s *scopedGrants) loadLocked() ([]policy.AlwaysGrant, error) {
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

// add saves one grant; saving the same grant twice changes nothing.
func (s *scopedGrants) add(g policy.AlwaysGrant) error {
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
