package gateway

import "sync"

// Session is one client connection relayed to one server process. Create it with a
// composite literal before the relay starts; afterwards the relay alone changes it (see
// Client), and hooks called off the client's goroutine are given a copy.
type Session struct {
	ID     string // unique per connection; "allow for this session" grants bind to it
	Server string
	// Client is the AI client, from the bridge or, when the bridge named none, from the
	// initialize request's clientInfo: the relay sets it then, on the goroutine that reads the
	// client. Read it with ClientName on any other goroutine.
	Client string
	// App is the AI app as MCP Tray verified it: the executable of the process that started
	// the bridge, read from the operating system (empty when it could not be read). Unlike
	// Client, nothing the client sends can change it.
	App string

	mu     sync.Mutex // guards Client and viewed once the relay runs
	viewed *Session   // view's copy, until Client changes
}

// ClientName returns Client; it is safe to call while the relay runs.
func (s *Session) ClientName() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Client
}

// learnClient sets Client from the client's own handshake when the bridge named none.
func (s *Session) learnClient(line []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Client == "" {
		s.Client, s.viewed = clientInfoName(line), nil
	}
}

// view is a copy of the session for hooks that run beside the relay's client goroutine, so
// that they can read every field without a lock. The copy is made once (again after Client
// changes) and shared: hooks must not change it.
func (s *Session) view() *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.viewed == nil {
		s.viewed = &Session{ID: s.ID, Server: s.Server, Client: s.Client, App: s.App}
	}
	return s.viewed
}
