package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/gateway"
	"github.com/mcptray/mcptray/internal/bus"
)

// trafficRing is how many messages of each server the traffic log keeps.
const trafficRing = 1000

// TrafficRecord is one relayed message in `mcptray logs NAME --traffic`: never its body.
type TrafficRecord struct {
	gateway.Traffic
	Server  string `json:"server"`
	Session string `json:"session"`
	Client  string `json:"client,omitempty"`
}

// trafficBook keeps the recent traffic of every server in memory. Safe for concurrent use;
// recording never blocks on a follower.
type trafficBook struct {
	mu     sync.Mutex
	rings  map[string][]TrafficRecord
	next   map[string]int
	feed   bus.Bus[TrafficRecord]
	redact func(string) string
}

func newTrafficBook(redact func(string) string) *trafficBook {
	return &trafficBook{rings: map[string][]TrafficRecord{}, next: map[string]int{}, redact: redact}
}

func (b *trafficBook) record(s *gateway.Session, t gateway.Traffic) {
	rec := TrafficRecord{Traffic: t, Server: s.Server, Session: s.ID, Client: s.ClientName()}
	redactRecord(&rec, b.redact)
	b.mu.Lock()
	defer b.mu.Unlock()
	ring := b.rings[s.Server]
	if len(ring) < trafficRing {
		b.rings[s.Server] = append(ring, rec)
	} else {
		ring[b.next[s.Server]] = rec
		b.next[s.Server] = (b.next[s.Server] + 1) % trafficRing
	}
	b.feed.Publish(rec)
}

// redactRecord scrubs every text of rec, in its own fields and gateway.Traffic's, whatever a
// server or client chose for it (method, id, kind, client name): a record is shown and kept, so
// none of it may carry a secret value. The fields are named rather than walked by reflection
// (this runs for every relayed message); TestTrafficRecordsCarryNoSecret sets every string
// field of gateway.Traffic, so a field added later and not named here fails it.
func redactRecord(rec *TrafficRecord, redact func(string) string) {
	for _, f := range [...]*string{&rec.Direction, &rec.Kind, &rec.Method, &rec.ID, &rec.Server, &rec.Session, &rec.Client} {
		*f = redact(*f)
	}
}

func (b *trafficBook) tailLocked(server string, n int) []TrafficRecord {
	ring := b.rings[server]
	i := b.next[server]
	out := append(append([]TrafficRecord(nil), ring[i:]...), ring[:i]...)
	if n > 0 && n < len(out) {
		out = out[len(out)-n:]
	}
	return out
}

// streamTraffic sends a server's recent traffic, then (with follow) each new message.
func (d *Daemon) streamTraffic(ctx context.Context, raw json.RawMessage, send func(any) error) error {
	p, err := decode[LogsParams](raw)
	if err != nil {
		return err
	}
	if d.sup.Logs(p.Name) == nil {
		return &control.Error{Code: control.CodeNotFound, Message: fmt.Sprintf("There is no server named %q in MCP Tray.", p.Name)}
	}
	b := d.traffic
	b.mu.Lock()
	tail := b.tailLocked(p.Name, p.Tail)
	var ch <-chan TrafficRecord
	cancel := func() {}
	if p.Follow {
		ch, cancel = b.feed.Subscribe(4096)
	}
	b.mu.Unlock()
	defer cancel()
	for _, r := range tail {
		if err := send(r); err != nil {
			return err
		}
	}
	if !p.Follow {
		return nil
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case r, ok := <-ch:
			if !ok {
				return errors.New("the traffic moved too fast to follow; run the command again")
			}
			if r.Server == p.Name {
				if err := send(r); err != nil {
					return err
				}
			}
		}
	}
}
