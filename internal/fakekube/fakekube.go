// Package fakekube is a fake Kubernetes API server for tests: a real HTTPS server (httptest
// TLS) that answers what Kubernetes MCP servers ask for when listing namespaces, pods and
// the like, and records every request it gets, so a test can tell which cluster a call
// reached and prove that a denied call reached none.
package fakekube

import (
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
)

// Request is one request the fake API server received.
type Request struct {
	Method string
	Path   string
	Query  string
	// Authorization is the Authorization header as sent (tests check token rotation).
	Authorization string
	Body          string
}

// Server is a running fake API server. Its methods are safe for concurrent use.
type Server struct {
	// Name is the cluster's name; its namespaces are Name+"-apps" and "default".
	Name string
	// URL is the https:// address to put in a kubeconfig.
	URL string

	ts   *httptest.Server
	mu   sync.Mutex
	reqs []Request
}

// Start starts a fake API server for a cluster called name. Close it when done.
func Start(name string) *Server {
	s := &Server{Name: name}
	s.ts = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	s.URL = s.ts.URL
	return s
}

// Close stops the server; it is idempotent.
func (s *Server) Close() { s.ts.Close() }

// CAData returns the PEM certificate a client must trust to reach the server (the
// kubeconfig's certificate-authority or certificate-authority-data).
func (s *Server) CAData() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.ts.Certificate().Raw})
}

// Namespaces are the namespaces the server lists.
func (s *Server) Namespaces() []string { return []string{"default", s.Name + "-apps"} }

// Requests returns a copy of every request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

// Writes returns the requests that would change the cluster (anything but GET, HEAD and
// OPTIONS).
func (s *Server) Writes() []Request {
	var out []Request
	for _, r := range s.Requests() {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			out = append(out, r)
		}
	}
	return out
}

// Reached reports whether any request asked for path (for example "/api/v1/namespaces").
func (s *Server) Reached(path string) bool {
	for _, r := range s.Requests() {
		if r.Path == path {
			return true
		}
	}
	return false
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	s.reqs = append(s.reqs, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Authorization: r.Header.Get("Authorization"), Body: string(body)})
	s.mu.Unlock()

	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case path == "/version":
		reply(w, 200, map[string]any{"major": "1", "minor": "31", "gitVersion": "v1.31.0", "platform": "linux/amd64"})
	case path == "/api":
		reply(w, 200, map[string]any{"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []map[string]string{{"clientCIDR": "0.0.0.0/0", "serverAddress": r.Host}}})
	case path == "/apis":
		reply(w, 200, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": []any{}})
	case path == "/api/v1":
		reply(w, 200, resourceList())
	case r.Method != http.MethodGet:
		s.write(w, r, path, body)
	case path == "/api/v1/namespaces":
		s.list(w, r, "Namespace", s.namespaceItems())
	case strings.HasPrefix(path, "/api/v1/namespaces/") && strings.Count(path, "/") == 4:
		name := path[len("/api/v1/namespaces/"):]
		if !slices.Contains(s.Namespaces(), name) {
			notFound(w, "namespaces", name)
			return
		}
		reply(w, 200, namespace(name))
	case isObject(path):
		reply(w, 200, object(path))
	case isList(path):
		kind := kinds[path[strings.LastIndexByte(path, '/')+1:]]
		s.list(w, r, kind, []map[string]any{})
	default:
		notFound(w, "", path)
	}
}

// write answers a create, update or delete as if it worked.
func (s *Server) write(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	if r.Method == http.MethodDelete {
		reply(w, 200, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Success"})
		return
	}
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		obj = map[string]any{}
	}
	reply(w, 201, obj)
}

func (s *Server) namespaceItems() []map[string]any {
	var out []map[string]any
	for _, n := range s.Namespaces() {
		out = append(out, namespace(n))
	}
	return out
}

// list answers a list, as a Table when the client asks for one (kubectl-style output).
func (s *Server) list(w http.ResponseWriter, r *http.Request, kind string, items []map[string]any) {
	if strings.Contains(r.Header.Get("Accept"), "as=Table") {
		rows := []map[string]any{}
		for _, it := range items {
			name := it["metadata"].(map[string]any)["name"]
			rows = append(rows, map[string]any{"cells": []any{name, "Active"}, "object": it})
		}
		reply(w, 200, map[string]any{"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": map[string]any{"resourceVersion": "1"},
			"columnDefinitions": []map[string]any{{"name": "Name", "type": "string", "format": "name"}, {"name": "Status", "type": "string"}},
			"rows":              rows})
		return
	}
	reply(w, 200, map[string]any{"kind": kind + "List", "apiVersion": "v1", "metadata": map[string]any{"resourceVersion": "1"}, "items": items})
}

func namespace(name string) map[string]any {
	return map[string]any{"kind": "Namespace", "apiVersion": "v1",
		"metadata": map[string]any{"name": name, "uid": "uid-" + name, "resourceVersion": "1", "creationTimestamp": "2026-01-01T00:00:00Z"},
		"status":   map[string]any{"phase": "Active"}}
}

func notFound(w http.ResponseWriter, resource, name string) {
	reply(w, 404, map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404,
		"message": resource + " " + name + " not found", "details": map[string]any{"name": name, "kind": resource}})
}

func reply(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}
