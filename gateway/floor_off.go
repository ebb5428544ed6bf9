//go:build !relayfloor

package gateway

import "bufio"

// relayFloor is false in every binary but the relay benchmarks' floor (floor_on.go): the
// relay reads, gates and records every message.
const relayFloor = false

func (r *relay) pumpsFloor(*bufio.Reader, chan struct{}, chan struct{}) {
	panic("gateway: the relay floor is built only with the relayfloor tag")
}
