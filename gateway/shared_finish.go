package gateway

import "time"

// A client may close its input right after its last request and still read its output:
// `echo REQUEST | mcptray connect NAME` is a client too. The hub answers what was asked
// before it lets such a client go.

// finishWait bounds how long a client that ended its input waits for its last answers.
const finishWait = 2 * time.Minute

// finish waits, once the client ended its input, until every request it made is answered
// (or refused) and every answer is written to it. It returns early when the client's
// connection ends, the hub closes, or after finishWait. Tool calls still waiting for the
// person are withdrawn (the prompt goes away: nobody may approve a call for an app that
// said it is done) and answered with a refusal.
func (m *member) finish(writerDone <-chan struct{}) {
	m.mu.Lock()
	m.ending = true
	for _, cancel := range m.held {
		cancel()
	}
	m.mu.Unlock()
	t := time.NewTimer(finishWait)
	defer t.Stop()
	for {
		for m.busy() {
			select {
			case <-m.settled:
			case <-m.ctx.Done():
				return
			case <-m.h.quit:
				return
			case <-t.C:
				return
			}
		}
		// An answer taken out of the hub's calls may not be in the queue yet: wait until it
		// is (answering), then look again, since an answer can also ask the client for more.
		m.h.answering.Lock()
		m.h.answering.Unlock()
		if !m.busy() {
			break
		}
	}
	select {
	case m.out <- nil: // the writer stops once it wrote what is queued before this
	case <-m.ctx.Done():
		return
	case <-m.h.quit:
		return
	case <-t.C:
		return
	}
	select {
	case <-writerDone:
	case <-m.ctx.Done():
	case <-m.h.quit:
	case <-t.C:
	}
}

// busy reports whether the client has a request the server has not answered yet, or a tool
// call waiting for the person.
func (m *member) busy() bool {
	m.mu.Lock()
	asking := m.asking
	m.mu.Unlock()
	if asking > 0 || m.queueing() {
		return true
	}
	m.h.mu.Lock()
	defer m.h.mu.Unlock()
	for _, c := range m.h.calls {
		if c.m == m {
			return true
		}
	}
	return false
}

// endingMessage is the answer to a held call withdrawn because the client ended its input.
const endingMessage = "MCP Tray did not run this tool call: the app closed its connection before the person answered."

// changed wakes a finish waiting for the client's requests to end.
func (m *member) changed() {
	select {
	case m.settled <- struct{}{}:
	default:
	}
}
