//go:build relayfloor

package gateway

import "bufio"

// relayFloor is set in binaries built with the relayfloor tag, for the relay benchmarks only
// (test/e2e, #27): their sessions forward every line as it is, with no reading, gate, audit or
// record, so that a benchmark can measure what MCP Tray's wiring costs (the daemon, the passed
// descriptors, Go's poller, the raw reads and writes) apart from the relay's checks. Never
// set in a binary a person runs: scripts and the Makefile never build with the tag.
const relayFloor = true

// pumpsFloor starts the floor's two pumps: each reads a line and writes it on.
func (r *relay) pumpsFloor(clientIn *bufio.Reader, serverDone, clientDone chan struct{}) {
	go func() {
		defer close(serverDone)
		in := bufio.NewReaderSize(r.up.Stdout, 64<<10)
		for {
			line, err := in.ReadSlice('\n')
			if err != nil || r.writeClient(line) != nil {
				return
			}
		}
	}()
	go func() {
		defer close(clientDone)
		for {
			line, err := clientIn.ReadSlice('\n')
			if err != nil || r.writeServer(line) != nil {
				return
			}
		}
	}()
}
