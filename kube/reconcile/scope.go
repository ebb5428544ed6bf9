package reconcile

// Scope returns the context a call on server runs in and whether to treat it as production;
// ok is false for servers that are not Kubernetes servers. A bridge session that began on
// another context (the person switched since) is treated as production: its server process
// may still act on the old context. The first call for a session records its context.
func (r *Reconciler) Scope(server, session string) (context string, prod, ok bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, ok := r.servers[server]
	if !ok {
		return "", false, false
	}
	if st.refuse != "" {
		return st.context, true, true
	}
	if session == "" {
		return st.context, st.production, true
	}
	first, seen := r.sessions[session]
	if !seen {
		r.sessions[session] = st
		first = st
	}
	return st.context, st.production || first.production || first.context != st.context, true
}

// Namespace is the namespace a Kubernetes server is limited to, "" when it is not limited
// or is not a Kubernetes server.
func (r *Reconciler) Namespace(server string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.servers[server].namespace
}

// EndSession forgets a bridge session; idempotent.
func (r *Reconciler) EndSession(session string) {
	r.mu.Lock()
	delete(r.sessions, session)
	r.mu.Unlock()
}
