package gateway

import (
	"encoding/json"

	"github.com/mcptray/mcptray/internal/jsonwire"
)

// Tasks (2025-11-25) are per app. A server that runs a request as a task answers it with the
// task's id; from then on the task belongs to the app whose request created it. Its status
// notifications reach only that app, tasks/list shows each app only its own tasks, and
// tasks/get, tasks/result and tasks/cancel of another app's task are refused as if the task
// did not exist. A request the server ties to a task (the related-task _meta) goes to the
// task's app.

// codeUnknownTask answers a request about a task the app does not own: invalid params, as a
// server answers a task id it does not know.
const codeUnknownTask = -32602

// relatedTaskKey is the _meta member by which a message names the task it belongs to.
const relatedTaskKey = "io.modelcontextprotocol/related-task"

// noteTaskLocked records that the task a server's answer created belongs to c's client.
// h.mu must be held.
func (h *Hub) noteTaskLocked(c *call, answer []byte) {
	if c.m == nil {
		return
	}
	if id := jsonwire.StringAt(answer, "result", "task", "taskId"); id != "" {
		if h.tasks[id] == nil {
			h.tasks[id] = c.m
		}
	}
}

// taskOwner returns the client a task belongs to, or nil.
func (h *Hub) taskOwner(taskID string) *member {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.tasks[taskID]
}

// ownTasks trims a tasks/list answer for m down to m's own tasks. It returns the answer as
// it was when it lists none of another app's, and ok false when the list cannot be read.
func (h *Hub) ownTasks(m *member, answer []byte) (out []byte, ok bool) {
	raw := jsonwire.ValueAt(answer, "result", "tasks")
	if raw == nil {
		return answer, true
	}
	var tasks []json.RawMessage
	if json.Unmarshal(raw, &tasks) != nil {
		return nil, false
	}
	kept := make([]json.RawMessage, 0, len(tasks))
	h.mu.Lock()
	for _, t := range tasks {
		if h.tasks[jsonwire.StringAt(t, "taskId")] == m {
			kept = append(kept, t)
		}
	}
	h.mu.Unlock()
	if len(kept) == len(tasks) {
		return answer, true
	}
	b, _ := json.Marshal(kept)
	out = jsonwire.ReplaceAt(answer, b, "result", "tasks")
	return out, out != nil
}

// forgetTasksLocked drops the tasks of a client that left. h.mu must be held.
func (h *Hub) forgetTasksLocked(m *member) {
	for id, owner := range h.tasks {
		if owner == m {
			delete(h.tasks, id)
		}
	}
}
