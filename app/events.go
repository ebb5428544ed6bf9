package app

import (
	"context"
	"encoding/json"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
)

// follower receives the daemon's event stream on its owner's goroutine.
type follower interface {
	// connected starts over: the stream (re)connected and sends its snapshot next.
	connected()
	// handle folds one event in.
	handle(ev api.Event)
	// lost says the stream ended; held calls end with the daemon.
	lost()
}

// followEvents keeps f in step with the daemon's event stream until ctx ends, reconnecting a
// second after the stream ends. Every call on f runs through do, on f's owner goroutine.
func followEvents(ctx context.Context, c *control.Client, do func(func()), f follower) {
	for ctx.Err() == nil {
		first := true
		// Read raw: decodeEvent skips what this GUI cannot read instead of ending the stream.
		_ = api.OpenStreamRaw(ctx, c, api.Events, api.None{}, func(raw json.RawMessage) error {
			ev, err := decodeEvent(raw)
			if err != nil {
				return nil // a newer daemon's event this GUI does not know
			}
			fresh := first
			first = false
			do(func() {
				if fresh {
					f.connected()
				}
				f.handle(ev)
			})
			return nil
		})
		do(f.lost)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}
