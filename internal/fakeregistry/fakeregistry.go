// Package fakeregistry is an MCP Registry on 127.0.0.1 for tests: it serves whatever
// server.json documents a test gives it, each as its own latest version, through the two
// endpoints MCP Tray reads (the list and a name's latest version). Tests use it to play a
// hostile registry.
package fakeregistry

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Registry is the fake registry; URL is its base address.
type Registry struct {
	*httptest.Server
	mu   sync.Mutex
	docs map[string]string // registry name → server.json
}

// New starts a registry serving nothing yet; it stops when t ends.
func New(t testing.TB) *Registry {
	r := &Registry{docs: map[string]string{}}
	r.Server = httptest.NewServer(r)
	t.Cleanup(r.Close)
	return r
}

// Serve offers doc as the latest version of the server called name, replacing what was
// offered under that name.
func (r *Registry) Serve(name, doc string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.docs[name] = doc
}

func (r *Registry) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if req.URL.Path == "/v0.1/servers" {
		var items []string
		for _, d := range r.docs {
			items = append(items, `{"server":`+d+`}`)
		}
		fmt.Fprintf(w, `{"servers":[%s],"metadata":{}}`, strings.Join(items, ","))
		return
	}
	rest, ok := strings.CutPrefix(req.URL.EscapedPath(), "/v0.1/servers/")
	rest, ok2 := strings.CutSuffix(rest, "/versions/latest")
	name, _ := url.PathUnescape(rest)
	if d, found := r.docs[name]; ok && ok2 && found {
		fmt.Fprintf(w, `{"server":%s}`, d)
		return
	}
	http.NotFound(w, req)
}
