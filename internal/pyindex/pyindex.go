// Package pyindex makes Python wheels by hand and serves them from a PEP 503 simple index
// on 127.0.0.1, for tests that install Python packages with the real pip and no PyPI.
package pyindex

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
)

// Wheel writes a pure-Python wheel by hand: files, METADATA (with requires), WHEEL,
// entry_points.txt (with scripts) and a RECORD with every file's sha256. It returns the
// file name and contents.
func Wheel(project, version string, files map[string]string, requires []string, scripts map[string]string) (string, []byte) {
	dist := strings.ReplaceAll(project, "-", "_") + "-" + version
	info := dist + ".dist-info/"
	all := map[string]string{}
	for k, v := range files {
		all[k] = v
	}
	meta := "Metadata-Version: 2.1\nName: " + project + "\nVersion: " + version + "\n"
	for _, r := range requires {
		meta += "Requires-Dist: " + r + "\n"
	}
	all[info+"METADATA"] = meta
	all[info+"WHEEL"] = "Wheel-Version: 1.0\nGenerator: mcptray-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
	if len(scripts) > 0 {
		ep := "[console_scripts]\n"
		for k, v := range scripts {
			ep += k + " = " + v + "\n"
		}
		all[info+"entry_points.txt"] = ep
	}
	var record strings.Builder
	names := make([]string, 0, len(all))
	for k := range all {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		sum := sha256.Sum256([]byte(all[k]))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", k, base64.RawURLEncoding.EncodeToString(sum[:]), len(all[k]))
	}
	fmt.Fprintf(&record, "%sRECORD,,\n", info)
	all[info+"RECORD"] = record.String()
	names = append(names, info+"RECORD")

	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, k := range names {
		w, _ := z.Create(k) // writing to memory does not fail
		w.Write([]byte(all[k]))
	}
	z.Close()
	return dist + "-py3-none-any.whl", buf.Bytes()
}

// Index is a PEP 503 simple index on 127.0.0.1 serving wheels, each linked with its
// sha256 as PyPI does. Close it to take the index away.
type Index struct {
	*httptest.Server
	mu       sync.Mutex
	projects map[string][]string // normalized project → wheel file names
	files    map[string][]byte
}

// New starts an index; close it to take it away.
func New() *Index {
	ix := &Index{projects: map[string][]string{}, files: map[string][]byte{}}
	ix.Server = httptest.NewServer(ix)
	return ix
}

// Add serves a file of project (a normalized name); adding a file of the same name again
// replaces its contents and its checksum.
func (ix *Index) Add(project, file string, content []byte) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if !slices.Contains(ix.projects[project], file) {
		ix.projects[project] = append(ix.projects[project], file)
	}
	ix.files[file] = content
}

// SimpleURL is the index's address, as pip's --index-url takes it.
func (ix *Index) SimpleURL() string { return ix.Server.URL + "/simple" }

// ServeHTTP serves /simple/PROJECT/ pages and /files/NAME.
func (ix *Index) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if project, ok := strings.CutPrefix(strings.TrimSuffix(r.URL.Path, "/"), "/simple/"); ok {
		files, found := ix.projects[project]
		if !found {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!DOCTYPE html><html><body>\n")
		for _, f := range files {
			sum := sha256.Sum256(ix.files[f])
			fmt.Fprintf(w, "<a href=\"/files/%s#sha256=%s\">%s</a>\n", f, hex.EncodeToString(sum[:]), f)
		}
		fmt.Fprint(w, "</body></html>\n")
		return
	}
	if f, ok := strings.CutPrefix(r.URL.Path, "/files/"); ok {
		if b, found := ix.files[f]; found {
			w.Write(b)
			return
		}
	}
	http.NotFound(w, r)
}
