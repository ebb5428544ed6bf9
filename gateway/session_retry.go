package gateway

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"time"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// A modern client on a modern server retries a tools/call by itself when the server answers
// it input_required. The person decided the call once (docs/eras.md): the relay remembers each
// request state the server returned for an approved call, and a retry of the same tool with
// the same arguments and that state is let through once, without asking again; the audit log
// records the call's final outcome when the retry ends. A retry with a state the relay did
// not see in this session is a new call and is decided as one. A legacy client never retries,
// so for one the relay looks for none of this. The shared hub keeps the same grants per app
// (shared_retry.go).

// callIdentity is which tool a call names and a digest of its arguments.
type callIdentity struct {
	tool string
	args uint64
}

var argsSeed = maphash.MakeSeed()

func identify(tool string, args json.RawMessage) callIdentity {
	return callIdentity{tool: tool, args: maphash.Bytes(argsSeed, bytes.TrimSpace(args))}
}

// retryGrant is an approved call waiting for the client's retry.
type retryGrant struct {
	call     callIdentity
	finished func(CallOutcome, time.Duration)
}

// grantRetry looks at the server's answer to an approved tools/call (p): when it asks for
// input, the call's request state is remembered for the client's retry, which takes over the
// call's audit record, and grantRetry returns true.
func (r *relay) grantRetry(p pending, line []byte) bool {
	if p.method != "tools/call" {
		return false
	}
	state := retryState(line)
	if state == nil {
		return false // the retry carries nothing to know it by: it is decided as a new call
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	putGrant(&r.grants, state, retryGrant{call: p.call, finished: p.finished})
	return true
}

// retryState returns the request state of a server's input_required answer (line) to a
// tools/call, or nil when the answer is final or carries no state to know the retry by.
func retryState(line []byte) json.RawMessage {
	if !bytes.Contains(line, []byte(`"input_required"`)) ||
		jsonwire.StringAt(line, "result", "resultType") != "input_required" {
		return nil
	}
	return jsonwire.ValueAt(line, "result", "requestState")
}

// putGrant remembers g for the retry carrying state. A call that held the same state before
// is never retried now: its audit record ends as not run. The caller holds the lock guarding
// grants.
func putGrant(grants *map[string]retryGrant, state json.RawMessage, g retryGrant) {
	if *grants == nil {
		*grants = map[string]retryGrant{}
	}
	if old, ok := (*grants)[string(state)]; ok && old.finished != nil {
		old.finished(CallNotRun, 0)
	}
	(*grants)[string(state)] = g
}

// takeGrant returns, and forgets, the grant a tools/call (line) naming call retries: one
// carrying a request state remembered for the same tool with the same arguments. The caller
// holds the lock guarding grants.
func takeGrant(grants map[string]retryGrant, line []byte, call callIdentity) (CallVerdict, bool) {
	state := jsonwire.ValueAt(line, "params", "requestState")
	if state == nil {
		return CallVerdict{}, false
	}
	g, ok := grants[string(state)]
	if !ok || g.call != call {
		return CallVerdict{}, false
	}
	delete(grants, string(state))
	return CallVerdict{Allow: true, Finished: g.finished}, true
}

// endGrants ends the audit records of calls the client never retried.
func endGrants(grants map[string]retryGrant) {
	for _, g := range grants {
		if g.finished != nil {
			g.finished(CallNotRun, 0)
		}
	}
}

// retryOf returns the verdict for a tools/call that retries an approved call with a request
// state the server gave it; ok is false for any other call.
func (r *relay) retryOf(line []byte, call callIdentity) (v CallVerdict, ok bool) {
	if !r.modern.Load() {
		return CallVerdict{}, false // a legacy client never retries: nothing to look for
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return takeGrant(r.grants, line, call)
}

// dropGrants ends the audit records of calls the client never retried.
func (r *relay) dropGrants() {
	r.mu.Lock()
	grants := r.grants
	r.grants = nil
	r.mu.Unlock()
	endGrants(grants)
}
