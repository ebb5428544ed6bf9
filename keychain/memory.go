package keychain

import (
	"context"
	"sync"
)

// NewMemory returns a Store that keeps secrets in memory, for tests of code
// that uses a Store. It is safe for concurrent use, never blocks, and behaves
// like System in everything a caller can observe: the same name and value
// checks (including this system's size limit) and the same errors.
func NewMemory() Store {
	return &memory{values: make(map[string]string)}
}

type memory struct {
	mu     sync.Mutex
	values map[string]string // by user(server, key)
}

// Get implements Store.
func (m *memory) Get(ctx context.Context, server, key string) (string, error) {
	if err := m.check(ctx, server, key); err != nil {
		return "", plainOpError("reading", server, key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.values[user(server, key)]
	if !ok {
		return "", &OpError{Op: "reading", Server: server, Key: key, Err: ErrNotFound}
	}
	return v, nil
}

// Set implements Store.
func (m *memory) Set(ctx context.Context, server, key, value string) error {
	err := m.check(ctx, server, key)
	if err == nil {
		err = checkValue(server, key, value)
	}
	if err != nil {
		return plainOpError("storing", server, key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.values[user(server, key)] = value
	return nil
}

// Delete implements Store.
func (m *memory) Delete(ctx context.Context, server, key string) error {
	if err := m.check(ctx, server, key); err != nil {
		return plainOpError("deleting", server, key, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	u := user(server, key)
	if _, ok := m.values[u]; !ok {
		return &OpError{Op: "deleting", Server: server, Key: key, Err: ErrNotFound}
	}
	delete(m.values, u)
	return nil
}

// List implements Store.
func (m *memory) List(ctx context.Context, server string, keys []string) ([]Item, error) {
	return listWith(ctx, m.Get, server, keys)
}

// check fails like System does before it calls the credential store.
func (m *memory) check(ctx context.Context, server, key string) error {
	if err := checkNames(server, key); err != nil {
		return err
	}
	return ctx.Err()
}
