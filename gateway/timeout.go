package gateway

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// A tool call's timeout (CallVerdict.Timeout) starts when the call is written to the server.
// When it passes first, the call ends at once for the client (an isError result in one
// sentence), the server gets notifications/cancelled with the request's id as it knows it,
// Finished is told CallTimedOut, and the server's late answer, if any, is dropped as one to no
// waiting request. When the answer comes first, the timer is stopped.

// deadline is one armed timeout; the pending call it belongs to holds it, so that a timer
// that fires late never ends a newer call that reuses the id.
type deadline struct {
	once  sync.Once
	timer *time.Timer
}

// stop stops the timer if one was armed; the call's end calls it, once or more.
func (d *deadline) stop() {
	if d != nil {
		d.once.Do(func() {
			if d.timer != nil {
				d.timer.Stop()
			}
		})
	}
}

// timedOutMessage is what the client gets for a call that ran past its timeout.
func timedOutMessage(d time.Duration) string {
	return fmt.Sprintf("The server did not finish this call within %s, the limit set in MCP Tray, so MCP Tray stopped it and asked the server to cancel it.", Seconds(d))
}

// Seconds writes d as a person reads a timeout: "2 s", "1.5 s", "90 s".
func Seconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + " s"
}

// armLocked starts the timeout of the call just put in flight under key, and keeps v's Result
// for its answer; r.mu is held.
func (r *relay) armLocked(key string, v CallVerdict) {
	limit := v.Timeout
	if v.Result != nil {
		p := r.inflight[key]
		p.result = v.Result
		r.inflight[key] = p
	}
	if limit <= 0 {
		return
	}
	p := r.inflight[key]
	d := &deadline{}
	if finished := p.finished; finished != nil {
		p.finished = func(o CallOutcome, took time.Duration) {
			d.stop()
			finished(o, took)
		}
	} else {
		p.finished = func(CallOutcome, time.Duration) { d.stop() }
	}
	p.deadline = d
	d.timer = time.AfterFunc(limit, func() { r.guard(func() { r.timeOut(key, d, limit) }) })
	r.inflight[key] = p
}

// timeOut ends the call under key if it is still the one d was armed for.
func (r *relay) timeOut(key string, d *deadline, limit time.Duration) {
	r.mu.Lock()
	p, ok := r.inflight[key]
	if !ok || p.deadline != d {
		r.mu.Unlock()
		return
	}
	delete(r.inflight, key)
	r.mu.Unlock()
	r.writeClient(deniedResult(p.id, timedOutMessage(limit)))
	r.writeServer(cancelledNote(p.id, "MCP Tray's time limit for this call passed"))
	r.note("a call ran past its time limit of %s; MCP Tray stopped it and asked the server to cancel it", Seconds(limit))
	if p.finished != nil {
		p.finished(CallTimedOut, time.Since(p.start))
	}
}
