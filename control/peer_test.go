//go:build !windows

package control

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mcptray/mcptray/internal/proc"
	"github.com/mcptray/mcptray/socket"
)

// Every handler learns who is asking from the socket, and the guard decides before any handler
// runs: a refusal reaches the client and the handler never runs.
func TestGuardAndPeer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	l, err := socket.Listen(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(nil)
	var ran atomic.Bool
	s.Handle("whoami", func(ctx context.Context, _ json.RawMessage) (any, error) {
		p, ok := PeerFrom(ctx)
		if !ok {
			return nil, errors.New("no peer")
		}
		return p, nil
	})
	s.Handle("loosen", func(ctx context.Context, _ json.RawMessage) (any, error) { ran.Store(true); return nil, nil })
	refusal := &Error{Code: CodeNotFromPerson, Message: "Not from you."}
	var mu sync.Mutex
	var guarded []string
	s.Guard(func(ctx context.Context, op, method string, params json.RawMessage) error {
		if p, ok := PeerFrom(ctx); !ok || p.Pid != os.Getpid() {
			t.Errorf("the guard saw peer %+v, %v", p, ok)
		}
		mu.Lock()
		guarded = append(guarded, op+" "+method)
		mu.Unlock()
		if method == "loosen" {
			return refusal
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()
	defer func() { cancel(); <-done }()
	c := &Client{Path: path}
	var p Peer
	if err := c.Call(context.Background(), "whoami", nil, &p); err != nil || p.Pid != os.Getpid() || p.UID != os.Getuid() {
		t.Fatalf("whoami = %+v, %v", p, err)
	}
	if self, err := proc.Identify(os.Getpid()); err == nil && p.Start != self.Start {
		t.Errorf("the peer's start time %d, want this process's %d", p.Start, self.Start)
	}
	err = c.Call(context.Background(), "loosen", map[string]bool{"x": true}, nil)
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != CodeNotFromPerson || ran.Load() {
		t.Fatalf("a refused call: err %v, handler ran %v", err, ran.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(guarded) != 2 {
		t.Errorf("guarded %v", guarded)
	}
}
