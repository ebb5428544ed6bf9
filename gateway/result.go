package gateway

import (
	"sync"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// A gate may pass a call's answer through CallVerdict.Result before the client gets it: the
// daemon redacts secrets, private keys and credentials from the results of servers whose
// data-loss settings say so. The Result hook (Hooks.Result) still sees the answer as the
// server sent it, for the server's log, which redacts on its own.

// passResult returns the answer to forward for pending call p: line (raw with its line
// ending) as it is, or what p's result made of it.
func (p pending) passResult(line, raw []byte) ([]byte, []byte) {
	if p.result == nil {
		return line, raw
	}
	out := p.result(line)
	if len(out) == len(line) && (len(out) == 0 || &out[0] == &line[0]) {
		return line, raw
	}
	return out, append(out[:len(out):len(out)], '\n')
}

// In shared mode the call is only made as it is forwarded, and its answer may come before
// forward returns: the Result is registered first, under the app and its id, and found again
// when the answer is delivered; the call's end (Finished) forgets it.

// resultKey names a tools/call of one app in shared mode.
type resultKey struct {
	m  *member
	id string // jsonwire.IDKey of the app's id
}

// results holds the Results of shared-mode calls in flight (resultKey → func([]byte) []byte).
var results sync.Map

// passResult returns the answer (without its line ending) the client of c gets.
func (c *call) passResult(out []byte) []byte {
	if c.m == nil || c.method != "tools/call" {
		return out
	}
	key, ok := jsonwire.IDKey(c.id)
	if !ok {
		return out
	}
	f, ok := results.Load(resultKey{c.m, key})
	if !ok {
		return out
	}
	return f.(func([]byte) []byte)(out)
}
