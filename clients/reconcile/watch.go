package reconcile

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/internal/filewatch"
)

// Self-healing: clients rewrite their own files and sometimes drop MCP Tray's entries (Claude
// Desktop on update). The reconciler watches the files of enabled clients and reconciles a
// file again when its content is not what MCP Tray left there, which also keeps it from
// acting on its own writes. A client that keeps dropping the entries is not fought: after
// maxHeals heals within healWindow MCP Tray stops and tells the person.

// Stopped is closed once the watch started by Watch has ended (its context ended) and no
// change is being acted on any more; it is closed at once when Watch was never called or
// failed.
func (r *Reconciler) Stopped() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.watcher.Done()
}

// Watch starts watching the files of enabled clients (those of later passes too) until ctx
// ends, putting MCP Tray's entries back when a client drops them. It returns once the watch
// is in place.
func (r *Reconciler) Watch(ctx context.Context) error {
	w, err := filewatch.New(ctx, r.opts.Debounce, r.fileChanged)
	if err != nil {
		return fmt.Errorf("watching AI client config files: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.watcher, r.ctx = w, ctx
	for path, f := range r.files {
		if f.watched {
			r.addWatchLocked(path)
		}
	}
	return nil
}

// fileChanged runs when a watched client file changed: unless the content is what MCP Tray
// left there, it reconciles that file to config.json as it is now.
func (r *Reconciler) fileChanged(path string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f := r.files[path]
	if r.ctx.Err() != nil || f == nil || !f.watched {
		return
	}
	if f.seenOK && f.stamp.unchanged(path) {
		r.fileEvent(path, false)
		return
	}
	stamp := stampOf(path)
	content, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return
	}
	if f.seenOK && sha256.Sum256(content) == f.seen {
		f.stamp = stamp // written again with the same content: trusted by stat once it is old
		r.fileEvent(path, false)
		return
	}
	cfg := r.cfg
	if r.opts.LoadConfig != nil {
		if fresh := r.opts.LoadConfig(); fresh != nil {
			cfg = fresh
		}
	}
	ts := r.targets(cfg, f.client.ID())
	if len(ts) == 0 || !ts[0].enabled || f.gaveUp {
		r.fileEvent(path, false) // config.json changed too; its own pass follows
		return
	}
	if _, err := os.Stat(filepath.Dir(path)); err != nil {
		r.fileEvent(path, false) // the client's folder is gone: uninstalled, do not recreate it
		return
	}
	now := time.Now()
	for len(f.heals) > 0 && now.Sub(f.heals[0]) > healWindow {
		f.heals = f.heals[1:]
	}
	if len(f.heals) >= maxHeals {
		f.gaveUp = true
		c := f.client
		r.recordLocked(ClientEvent{Time: now.UTC(), Client: c.ID(), Path: path, Kind: GaveUp,
			Message: fmt.Sprintf("%s keeps removing MCP Tray's servers from its settings, so MCP Tray stopped putting them back; quit %s, then run: mcptray client enable %s", c.Name(), c.Name(), c.ID())})
		r.fileEvent(path, false)
		return
	}
	r.applyLocked(ts[0], path)
	r.fileEvent(path, true)
}

func (r *Reconciler) fileEvent(path string, acted bool) {
	if r.onFileEvent != nil {
		r.onFileEvent(path, acted)
	}
}

func healSentence(c clients.Client, res clients.Result) string {
	if len(res.Added) == 0 {
		return fmt.Sprintf("%s changed MCP Tray's entries in its settings; MCP Tray set them right again.", c.Name())
	}
	if len(res.Added) == 1 {
		return fmt.Sprintf("%s dropped MCP Tray's server %s from its settings; MCP Tray put it back.", c.Name(), res.Added[0])
	}
	return fmt.Sprintf("%s dropped MCP Tray's servers from its settings; MCP Tray put them back.", c.Name())
}
