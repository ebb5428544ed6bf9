package daemon

import (
	"context"
	"fmt"

	"github.com/mcptray/mcptray/internal/filewatch"
)

// kubeWatch watches the person's kubeconfig files (and the certificate files the chosen
// contexts name) until ctx ends: a change re-applies the configuration, which rewrites the
// one-context files (rotated tokens, new certificates) and stops a server whose context
// disappeared.
func (d *Daemon) kubeWatch(ctx context.Context) error {
	w, err := filewatch.New(ctx, 0, func(string) { d.reload() })
	if err != nil {
		return fmt.Errorf("watching the kubeconfig files: %w", err)
	}
	b := d.kube
	b.mu.Lock()
	b.watcher = w
	files := make([]string, 0, len(b.watched))
	for f := range b.watched {
		files = append(files, f)
	}
	b.watched = map[string]bool{}
	b.mu.Unlock()
	b.rewatch(files)
	return nil
}
