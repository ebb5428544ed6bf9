package gateway

// A client's requests reach the server in the order the client sent them. Most are written
// by the client's pump at once; one that must wait (for the server to fetch the app's roots)
// is written by a goroutine of the client's own, and every request after it queues behind it
// until the queue is empty again.

// enqueue runs job after the jobs queued before it, on the client's queue goroutine, which
// it starts when none runs; the goroutine ends when the queue is empty.
func (m *member) enqueue(job func()) {
	m.qmu.Lock()
	m.jobs = append(m.jobs, job)
	if m.qrunning {
		m.qmu.Unlock()
		return
	}
	m.qrunning = true
	m.qmu.Unlock()
	go func() {
		for {
			m.qmu.Lock()
			if len(m.jobs) == 0 {
				m.qrunning = false
				m.qmu.Unlock()
				m.changed()
				return
			}
			job := m.jobs[0]
			m.jobs = m.jobs[1:]
			m.qmu.Unlock()
			m.guard(job)
		}
	}()
}

// queueing reports whether requests of the client wait in its queue.
func (m *member) queueing() bool {
	m.qmu.Lock()
	defer m.qmu.Unlock()
	return m.qrunning
}
