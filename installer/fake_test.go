package installer

import (
	"context"
	"sync"
	"time"
)

// fakeRuntime stands in for the daemon in unit tests of the install logic; the real one is
// exercised end to end in test/install.
type fakeRuntime struct {
	mu        sync.Mutex
	applied   int
	probes    []string
	synced    [][]string
	forgotten []string

	probe   func(ctx context.Context, server string) ([]string, error)
	logs    []string // lines Follow hands out
	syncErr error    // returned by the first SyncClients only
	syncBad error    // returned by every SyncClients
	blocked []string
}

func (f *fakeRuntime) Apply() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.applied++
}

func (f *fakeRuntime) Probe(ctx context.Context, server string) ([]string, error) {
	f.mu.Lock()
	f.probes = append(f.probes, server)
	probe := f.probe
	f.mu.Unlock()
	if probe == nil {
		return []string{"alpha", "beta"}, nil
	}
	return probe(ctx, server)
}

func (f *fakeRuntime) Follow(server string, since time.Time) (<-chan string, func()) {
	ch := make(chan string, len(f.logs))
	for _, l := range f.logs {
		ch <- l
	}
	return ch, func() {}
}

func (f *fakeRuntime) SyncClients(ids []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.synced = append(f.synced, append([]string(nil), ids...))
	err := f.syncErr
	f.syncErr = nil
	if f.syncBad != nil {
		return f.syncBad
	}
	return err
}

func (f *fakeRuntime) Forget(server string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.forgotten = append(f.forgotten, server)
}

func (f *fakeRuntime) Blocked(server string) []string { return f.blocked }
