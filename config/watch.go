package config

import (
	"context"
	"time"

	"github.com/mcptray/mcptray/internal/filewatch"
)

// Watch calls onChange after config.json changes (created, written, replaced or removed),
// debounced so that one save is one call. It returns once the watch is in place; the watch
// ends with ctx. onChange runs on the watcher's goroutine and should hand work off quickly.
func (h Home) Watch(ctx context.Context, onChange func()) error {
	if err := h.Ensure(); err != nil {
		return err
	}
	w, err := filewatch.New(ctx, 100*time.Millisecond, func(string) { onChange() })
	if err != nil {
		return err
	}
	return w.Add(h.ConfigFile())
}
