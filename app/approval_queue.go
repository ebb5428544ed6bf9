package app

import (
	"cmp"
	"slices"

	"github.com/mcptray/mcptray/policy"
)

// approvalQueue is the held tool calls the daemon reported and has not resolved, oldest first
// (the daemon's order). It is part of the model: only the UI goroutine touches it.
type approvalQueue struct {
	items []policy.Approval
}

// apply folds one approval event in; it reports whether ev added a call not seen before.
// Adding an id twice (a snapshot after a reconnect) keeps one copy.
func (q *approvalQueue) apply(ev policy.Event) bool {
	i := slices.IndexFunc(q.items, func(a policy.Approval) bool { return a.ID == ev.Approval.ID })
	switch ev.Kind {
	case policy.ApprovalAdded:
		if i >= 0 {
			q.items[i] = ev.Approval
			return false
		}
		at, _ := slices.BinarySearchFunc(q.items, ev.Approval, func(x, y policy.Approval) int {
			return cmp.Or(x.Created.Compare(y.Created), cmp.Compare(x.ID, y.ID))
		})
		q.items = slices.Insert(q.items, at, ev.Approval)
		return true
	case policy.ApprovalResolved:
		if i >= 0 {
			q.items = slices.Delete(q.items, i, i+1)
		}
	}
	return false
}

// reset forgets every call; the daemon sends the pending ones again when the event stream
// reconnects, and ones resolved meanwhile must not linger.
func (q *approvalQueue) reset() { q.items = nil }

// len is how many calls wait.
func (q *approvalQueue) len() int { return len(q.items) }
