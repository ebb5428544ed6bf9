package reconcile

import (
	"context"
	"fmt"

	"github.com/mcptray/mcptray/internal/filewatch"
)

// Stopped is closed once the watch started by Watch has ended (its context ended) and no
// change is being acted on any more; it is closed at once when Watch was never called or
// failed.
func (r *Reconciler) Stopped() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.watcher.Done()
}

// Watch watches the person's kubeconfig files (and the certificate files the chosen contexts
// name) until ctx ends: a change calls Options.Reload, which rewrites the one-context files
// (rotated tokens, new certificates) and stops a server whose context disappeared. Specs
// decides which files are watched, before or after Watch starts. Call it once.
func (r *Reconciler) Watch(ctx context.Context) error {
	w, err := filewatch.New(ctx, 0, func(string) { r.opts.Reload() })
	if err != nil {
		return fmt.Errorf("watching the kubeconfig files: %w", err)
	}
	r.mu.Lock()
	r.watcher = w
	files := make([]string, 0, len(r.watched))
	for f := range r.watched {
		files = append(files, f)
	}
	r.watched = map[string]bool{}
	r.mu.Unlock()
	r.rewatch(files)
	return nil
}

// rewatch makes the watcher follow exactly files (once it runs).
func (r *Reconciler) rewatch(files []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	want := map[string]bool{}
	for _, f := range files {
		want[f] = true
	}
	if r.watcher != nil {
		for f := range r.watched {
			if !want[f] {
				r.watcher.Remove(f)
			}
		}
		for f := range want {
			if !r.watched[f] {
				r.watcher.Add(f)
			}
		}
	}
	r.watched = want
}
