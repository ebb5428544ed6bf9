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
// so for one the relay looks for none of this.

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
	if p.method != "tools/call" || !bytes.Contains(line, []byte(`"input_required"`)) ||
		jsonwire.StringAt(line, "result", "resultType") != "input_required" {
		return false
	}
	state := jsonwire.ValueAt(line, "result", "requestState")
	if state == nil {
		return false // the retry carries nothing to know it by: it is decided as a new call
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.grants == nil {
		r.grants = map[string]retryGrant{}
	}
	if old, ok := r.grants[string(state)]; ok && old.finished != nil {
		old.finished(CallNotRun, 0)
	}
	r.grants[string(state)] = retryGrant{call: p.call, finished: p.finished}
	return true
}

// retryOf returns the verdict for a tools/call that retries an approved call with a request
// state the server gave it; ok is false for any other call.
func (r *relay) retryOf(line []byte, call callIdentity) (v CallVerdict, ok bool) {
	if !r.modern.Load() {
		return CallVerdict{}, false // a legacy client never retries: nothing to look for
	}
	state := jsonwire.ValueAt(line, "params", "requestState")
	if state == nil {
		return CallVerdict{}, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	g, ok := r.grants[string(state)]
	if !ok || g.call != call {
		return CallVerdict{}, false
	}
	delete(r.grants, string(state))
	return CallVerdict{Allow: true, Finished: g.finished}, true
}

// dropGrants ends the audit records of calls the client never retried.
func (r *relay) dropGrants() {
	r.mu.Lock()
	grants := r.grants
	r.grants = nil
	r.mu.Unlock()
	for _, g := range grants {
		if g.finished != nil {
			g.finished(CallNotRun, 0)
		}
	}
}
