package gateway

import (
	"context"
	"sync"

	"github.com/mcptray/mcptray/internal/bus"
)

// TrafficRecord is one relayed message as `mcptray logs NAME --traffic` shows it: never its
// body.
type TrafficRecord struct {
	Traffic
	Server  string `json:"server"`
	Session string `json:"session"`
	Client  string `json:"client,omitempty"`
}

// trafficRing is how many messages of each server a TrafficLog keeps.
const trafficRing = 1000

// TrafficLog keeps the recent traffic of every server in memory, the last 1,000 messages of
// each, every text redacted. Record is a relay's Hooks.Traffic. Safe for concurrent use;
// recording never blocks on a follower.
type TrafficLog struct {
	mu     sync.Mutex
	rings  map[string][]TrafficRecord
	next   map[string]int
	feed   bus.Bus[TrafficRecord]
	redact func(string) string
}

// NewTrafficLog returns an empty log whose records pass through redact.
func NewTrafficLog(redact func(string) string) *TrafficLog {
	return &TrafficLog{rings: map[string][]TrafficRecord{}, next: map[string]int{}, redact: redact}
}

// Record keeps one message of session s.
func (l *TrafficLog) Record(s *Session, t Traffic) {
	rec := TrafficRecord{Traffic: t, Server: s.Server, Session: s.ID, Client: s.ClientName()}
	redactRecord(&rec, l.redact)
	l.mu.Lock()
	defer l.mu.Unlock()
	ring := l.rings[s.Server]
	if len(ring) < trafficRing {
		l.rings[s.Server] = append(ring, rec)
	} else {
		ring[l.next[s.Server]] = rec
		l.next[s.Server] = (l.next[s.Server] + 1) % trafficRing
	}
	l.feed.Publish(rec)
}

// redactRecord scrubs every text of rec, in its own fields and Traffic's, whatever a server
// or client chose for it (method, id, kind, client name): a record is shown and kept, so none
// of it may carry a secret value. The fields are named rather than walked by reflection (this
// runs for every relayed message); TestTrafficRecordsCarryNoSecret sets every string field of
// Traffic, so a field added later and not named here fails it.
func redactRecord(rec *TrafficRecord, redact func(string) string) {
	for _, f := range [...]*string{&rec.Direction, &rec.Kind, &rec.Method, &rec.ID, &rec.Server, &rec.Session, &rec.Client} {
		*f = redact(*f)
	}
}

func (l *TrafficLog) tailLocked(server string, n int) []TrafficRecord {
	ring := l.rings[server]
	i := l.next[server]
	out := append(append([]TrafficRecord(nil), ring[i:]...), ring[:i]...)
	if n > 0 && n < len(out) {
		out = out[len(out)-n:]
	}
	return out
}

// Stream sends a server's last tail messages (all it keeps when tail is 0), then with follow
// each new one until ctx ends or send fails. A follower that falls too far behind gets an
// error saying so.
func (l *TrafficLog) Stream(ctx context.Context, server string, tail int, follow bool, send func(TrafficRecord) error) error {
	l.mu.Lock()
	recent := l.tailLocked(server, tail)
	var ch <-chan TrafficRecord
	cancel := func() {}
	if follow {
		ch, cancel = l.feed.Subscribe(4096)
	}
	l.mu.Unlock()
	defer cancel()
	return bus.Forward(ctx, recent, ch, func(r TrafficRecord) bool { return r.Server == server }, send,
		"the traffic moved too fast to follow; run the command again")
}
