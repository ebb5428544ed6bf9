package remote

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// droppingServer answers initialize with a session, and tools/call with an event stream
// that breaks after a progress event, before the answer. A GET with Last-Event-ID is
// answered by resume (nil: 405); the GET stream for the server's own messages is refused.
type droppingServer struct {
	*httptest.Server
	resume func(w http.ResponseWriter, last string)

	mu      sync.Mutex
	resumes []string // "Last-Event-ID Mcp-Session-Id" of each resumption
}

func newDroppingServer(t *testing.T, resume func(w http.ResponseWriter, last string)) *droppingServer {
	s := &droppingServer{resume: resume}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodDelete:
			return
		case http.MethodGet:
			last := r.Header.Get("Last-Event-ID")
			if last == "" || s.resume == nil {
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			s.mu.Lock()
			s.resumes = append(s.resumes, last+" "+r.Header.Get("Mcp-Session-Id"))
			s.mu.Unlock()
			w.Header().Set("Content-Type", "text/event-stream")
			s.resume(w, last)
			return
		}
		body, _ := io.ReadAll(r.Body)
		switch {
		case strings.Contains(string(body), `"initialize"`):
			w.Header().Set("Mcp-Session-Id", "s-1")
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25"}}`)
		case strings.Contains(string(body), `"tools/call"`):
			w.Header().Set("Content-Type", "text/event-stream")
			io.WriteString(w, "id: e0\nretry: 20\ndata: \n\n")
			io.WriteString(w, "id: e1\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progress\":1}}\n\n")
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // the connection breaks before the answer
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *droppingServer) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.resumes...)
}

// start initializes a connector to s and sends a tools/call with id 7.
func (s *droppingServer) start(t *testing.T) (io.WriteCloser, func() string) {
	in, out, _ := relay(t, Options{URL: s.URL + "/mcp", Transport: Streamable})
	io.WriteString(in, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{}}`+"\n")
	next(t, out)
	io.WriteString(in, `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow"}}`+"\n")
	return in, func() string { return next(t, out) }
}

// TestBrokenAnswerStreamIsResumed: a POST's event stream that breaks before the answer is
// resumed with GET and Last-Event-ID (the streamable HTTP transport's resumability): the
// events missed are relayed, a request of the server's that reuses the call's id is not
// taken for the answer, a resumed stream that ends early is resumed again from its own last
// id, and the call gets its real answer.
func TestBrokenAnswerStreamIsResumed(t *testing.T) {
	s := newDroppingServer(t, func(w http.ResponseWriter, last string) {
		switch last {
		case "e1":
			io.WriteString(w, "id: e2\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}\n\n")
			// ends without the answer
		case "e2":
			io.WriteString(w, "id: e3\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"done\"}]}}\n\n")
		default:
			w.WriteHeader(http.StatusBadRequest)
		}
	})
	_, read := s.start(t)
	for i, want := range []string{`"notifications/progress"`, `"method":"ping"`, `"text":"done"`} {
		if got := read(); !strings.Contains(got, want) {
			t.Fatalf("line %d after the call: %s, want %s", i, got, want)
		}
	}
	if got := s.seen(); strings.Join(got, ",") != "e1 s-1,e2 s-1" {
		t.Fatalf("resumptions (Last-Event-ID session): %q", got)
	}
}

// TestUnresumableStreamIsAnsweredWithAnError: when the server will not resume (405 to the
// GET), or keeps resuming with nothing new, the call is answered with an error at once
// instead of being left waiting; so is a stream without event ids that ends before the
// answer.
func TestUnresumableStreamIsAnsweredWithAnError(t *testing.T) {
	for name, resume := range map[string]func(http.ResponseWriter, string){
		"refused":         nil,
		"nothing new":     func(http.ResponseWriter, string) {},
		"session is gone": func(w http.ResponseWriter, _ string) { w.WriteHeader(http.StatusNotFound) },
	} {
		t.Run(name, func(t *testing.T) {
			s := newDroppingServer(t, resume)
			_, read := s.start(t)
			read() // the progress event
			if got := read(); !strings.HasPrefix(got, `{"jsonrpc":"2.0","id":7,"error":`) || !strings.Contains(got, "broke before it answered") {
				t.Fatalf("answer: %s", got)
			}
			if n := len(s.seen()); resume != nil && name == "nothing new" && n != maxResumes {
				t.Fatalf("%d resumptions, want %d", n, maxResumes)
			}
		})
	}
	t.Run("no event ids", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n")
		}))
		defer srv.Close()
		in, out, _ := relay(t, Options{URL: srv.URL, Transport: Streamable})
		io.WriteString(in, `{"jsonrpc":"2.0","id":"x","method":"tools/call"}`+"\n")
		next(t, out)
		if got := next(t, out); !strings.HasPrefix(got, `{"jsonrpc":"2.0","id":"x","error":`) {
			t.Fatalf("answer to a stream that ended without it: %s", got)
		}
	})
}

func TestAnswers(t *testing.T) {
	for _, c := range []struct {
		msg, id string
		want    bool
	}{
		{`{"jsonrpc":"2.0","id":7,"result":{}}`, `7`, true},
		{`{"jsonrpc":"2.0","id":7.0,"error":{"code":1,"message":"x"}}`, `7`, true},
		{`{"jsonrpc":"2.0","id":"\u0041","result":{}}`, `"A"`, true},
		{`[{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","id":"a","result":{}}]`, `"a"`, true},
		{`{"jsonrpc":"2.0","id":7,"method":"ping"}`, `7`, false},
		{`{"jsonrpc":"2.0","id":"7","result":{}}`, `7`, false},
		{`{"jsonrpc":"2.0","method":"notifications/progress"}`, `7`, false},
		{``, `7`, false},
	} {
		if got := answers([]byte(c.msg), []byte(c.id)); got != c.want {
			t.Errorf("answers(%s, %s) = %v", c.msg, c.id, got)
		}
	}
}
