// Package bus fans values out to subscribers without ever letting a slow subscriber block the
// publisher. A subscriber that falls a whole buffer behind is dropped: its channel closes, and
// it resubscribes to get a fresh snapshot from the owner of the state.
package bus

import "sync"

// DefaultBuffer is the per-subscriber buffer used when Subscribe is given 0.
const DefaultBuffer = 256

// Bus delivers published values to every current subscriber. The zero value is ready to use;
// a Bus is safe for concurrent use.
type Bus[T any] struct {
	mu   sync.Mutex
	subs map[chan T]struct{}
}

// Publish delivers v to every subscriber whose buffer has room and drops (closes) those
// whose buffer is full. It never blocks.
func (b *Bus[T]) Publish(v T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- v:
		default:
			delete(b.subs, ch)
			close(ch)
		}
	}
}

// Subscribe returns a channel of values published from now on and a cancel function that
// unsubscribes and closes the channel; cancel is idempotent. The channel also closes if the
// subscriber falls behind by more than buf values (0 means DefaultBuffer).
func (b *Bus[T]) Subscribe(buf int) (<-chan T, func()) {
	if buf <= 0 {
		buf = DefaultBuffer
	}
	ch := make(chan T, buf)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[chan T]struct{}{}
	}
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		if _, ok := b.subs[ch]; ok {
			delete(b.subs, ch)
			close(ch)
		}
	}
}

// Len reports the number of current subscribers.
func (b *Bus[T]) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}
