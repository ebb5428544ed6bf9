// Package filewatch reports changes to a set of files, surviving the ways files really change:
// atomic replacement (which loses a watch on the file itself), deletion and re-creation, and
// parents that do not exist yet. It watches directories, filters by name and debounces.
package filewatch

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce is how long a path must stay quiet before its change is reported.
const DefaultDebounce = 100 * time.Millisecond

// Watcher watches files. Create one with New; it runs until its context ends.
type Watcher struct {
	w        *fsnotify.Watcher
	debounce time.Duration
	onChange func(path string)

	mu      sync.Mutex
	files   map[string]bool // cleaned absolute paths of interest
	watched map[string]bool // directories currently watched
	timers  map[string]*time.Timer
	stopped bool           // ctx ended: no onChange starts any more
	calls   sync.WaitGroup // the onChange calls running
	done    chan struct{}  // closed once stopped and no onChange runs (Done)
}

// New starts a watcher that calls onChange(path) once per burst of changes to one of the
// watched files (after debounce of quiet; 0 means DefaultDebounce). onChange runs on the
// watcher's own goroutines, one call at a time per path; it must not block for long. The
// watcher stops and releases its resources when ctx ends; Done says when it has, and no
// onChange runs any more.
func New(ctx context.Context, debounce time.Duration, onChange func(path string)) (*Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	w := &Watcher{w: fw, debounce: debounce, onChange: onChange,
		files: map[string]bool{}, watched: map[string]bool{}, timers: map[string]*time.Timer{}, done: make(chan struct{})}
	go w.loop(ctx)
	return w, nil
}

// Add starts watching path. The file need not exist yet: its nearest existing parent folder
// is watched until it appears. Add is idempotent and safe for concurrent use.
func (w *Watcher) Add(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.files[abs] = true
	return w.watchLocked(abs)
}

// Remove stops watching path. Its folder stays watched while other files in it are of
// interest.
func (w *Watcher) Remove(path string) {
	abs, _ := filepath.Abs(path)
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.files, abs)
	if t := w.timers[abs]; t != nil {
		t.Stop()
		delete(w.timers, abs)
	}
}

// watchLocked watches the nearest existing ancestor directory of file. A folder created
// inside it before the watch took hold sends no event, so it looks again after each new
// watch and goes deeper while a deeper folder exists (MkdirAll of several levels at once).
func (w *Watcher) watchLocked(file string) error {
	for {
		dir := nearestDir(file)
		if dir == "" || w.watched[dir] {
			return nil
		}
		if err := w.w.Add(dir); err != nil {
			return err
		}
		w.watched[dir] = true
	}
}

// nearestDir is the nearest existing directory above file, or "" when there is none.
func nearestDir(file string) string {
	dir := filepath.Dir(file)
	for {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Done is closed once the watcher has stopped (its context ended) and the last onChange call
// has returned: what onChange does (a reload, a rewrite) no longer happens after it. A nil
// Watcher (never started) is done.
func (w *Watcher) Done() <-chan struct{} {
	if w == nil {
		return closed
	}
	return w.done
}

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func (w *Watcher) loop(ctx context.Context) {
	defer func() {
		w.w.Close()
		w.mu.Lock()
		w.stopped = true
		for _, t := range w.timers {
			t.Stop()
		}
		w.mu.Unlock()
		w.calls.Wait()
		close(w.done)
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.w.Events:
			if !ok {
				return
			}
			w.handle(ev)
		case _, ok := <-w.w.Errors:
			if !ok {
				return
			}
		}
	}
}

func (w *Watcher) handle(ev fsnotify.Event) {
	name := filepath.Clean(ev.Name)
	w.mu.Lock()
	defer w.mu.Unlock()
	// A folder on the way to a file of interest appeared: watch deeper.
	if ev.Has(fsnotify.Create) {
		for f := range w.files {
			if isAncestor(name, f) {
				w.watchLocked(f)
				if _, err := os.Stat(f); err == nil {
					w.scheduleLocked(f)
				}
			}
		}
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if w.watched[name] {
			delete(w.watched, name)
			for f := range w.files {
				if isAncestor(name, f) {
					w.watchLocked(f)
				}
			}
		}
	}
	if w.files[name] {
		w.scheduleLocked(name)
	}
}

func (w *Watcher) scheduleLocked(path string) {
	if w.stopped {
		return
	}
	if t := w.timers[path]; t != nil {
		t.Reset(w.debounce)
		return
	}
	w.timers[path] = time.AfterFunc(w.debounce, func() {
		w.mu.Lock()
		_, still := w.files[path]
		delete(w.timers, path)
		still = still && !w.stopped
		if still {
			w.calls.Add(1)
		}
		w.mu.Unlock()
		if still {
			defer w.calls.Done()
			w.onChange(path)
		}
	})
}

// isAncestor reports whether dir is above file (a folder named ".cursor" below dir counts).
func isAncestor(dir, file string) bool {
	rel, err := filepath.Rel(dir, file)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
