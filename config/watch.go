package config

import (
	"context"
	"time"

	"github.com/mcptray/mcptray/internal/filewatch"
)

// Watch calls onChange after config.json changes (created, written, replaced or removed),
// debounced so that one save is one call. It returns once the watch is in place; the watch
// ends with ctx, and done is closed once it has and no onChange runs any more. onChange runs
// on the watcher's goroutine and should hand work off quickly.
func (h Home) Watch(ctx context.Context, onChange func()) (done <-chan struct{}, err error) {
	if err := h.Ensure(); err != nil {
		return nil, err
	}
	w, err := filewatch.New(ctx, 100*time.Millisecond, func(string) { onChange() })
	if err != nil {
		return nil, err
	}
	return w.Done(), w.Add(h.ConfigFile())
}
