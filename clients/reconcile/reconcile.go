// Package reconcile keeps the AI clients' MCP config files in line with config.json, and takes
// over the servers a person configured by hand in a client (import, restore). It sits beside
// the writers of package clients, not inside them: the writers know file formats and never
// touch an entry MCP Tray did not write, while this package knows config.json, the keychain
// and Kubernetes servers, which the writers must not depend on. The daemon builds one
// Reconciler and calls it; the command line uses it too when no daemon runs. It knows nothing
// of the daemon: what it needs (where files are, the mcptray program, config.json, where to
// publish events) comes in through Options.
package reconcile

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mcptray/mcptray/clients"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/filewatch"
	"github.com/mcptray/mcptray/internal/prose"
)

// The reconciler keeps the AI clients' MCP config files in line with config.json: a
// client whose binding is enabled gets one `mcptray connect NAME` entry per server it should
// see, a client whose binding is disabled gets none of MCP Tray's entries, and a client that
// config.json does not name is left alone (so a second MCP Tray home, or a test, never strips
// the entries another home wrote). It watches the files of enabled clients and puts MCP Tray's
// entries back when a client drops them, but never writes a file that does not parse and
// stops putting entries back when a client keeps removing them.

// Options configure a Reconciler. Zero values are sensible defaults except Backups.
type Options struct {
	// Env says where AI client files are; the zero Env means clients.FromOS().
	Env clients.Env
	// Binary is the absolute path of the mcptray program written into client files; empty
	// means DefaultBinary().
	Binary string
	// Home is MCP Tray's home, named in the entries of clients that start servers with a
	// reduced environment (see clients.HomeArg); empty means config.DefaultHome().
	Home string
	// Backups keeps a copy of each client file before MCP Tray changes it.
	Backups clients.BackupDir
	// LoadConfig returns config.json as it is now, or nil when it does not load. Passes
	// started by a client file change use it, so they never act on an older configuration
	// than the one on disk; nil means the configuration last given to Reconcile.
	LoadConfig func() *config.Config
	// Notify receives every change, self-heal and problem worth telling the person, and the
	// news that a file with a problem is in order again (Kind OK, which Status does not keep).
	// It is called with the reconciler's lock held and must not block.
	Notify func(ClientEvent)
	// Debounce is how long a client file must stay quiet before MCP Tray acts on a change to
	// it; 0 means 500 ms (clients write their files in bursts).
	Debounce time.Duration
	Log      *slog.Logger
}

// Reconciler writes MCP Tray's entries into AI client files and keeps them there. All methods
// are safe for concurrent use; passes run one at a time.
type Reconciler struct {
	opts   Options
	binErr error // why entries cannot be written, when the mcptray binary is unusable

	mu      sync.Mutex
	ctx     context.Context // the watch's; Background until Watch
	cfg     *config.Config  // the configuration last reconciled to
	files   map[string]*clientFile
	last    map[string]*ClientEvent // client id → last change MCP Tray wrote
	events  []ClientEvent           // newest last
	watcher *filewatch.Watcher
	// onFileEvent is a test hook: a watched file changed and was acted on (or skipped).
	onFileEvent func(path string, acted bool)
}

// clientFile is what the reconciler remembers about one client file.
type clientFile struct {
	client   clients.Client
	watched  bool
	seen     [sha256.Size]byte // content after the last pass that found it right
	seenOK   bool
	stamp    fileStamp       // the file as stat saw it just before seen was read
	status   *clients.Config // the file's entries as last read for Status, while statusAt holds
	statusAt fileStamp
	want     string // the target's key when the file last held exactly what it wanted
	wantOK   bool
	err      error       // the last problem with it, until a pass succeeds
	heals    []time.Time // recent times MCP Tray put its entries back
	gaveUp   bool
	// shadow is shadowLocked's answer for the file as stamped by shadowAt.
	shadow     string
	shadowAt   fileStamp
	shadowDone bool
}

const (
	maxClientEvents = 50
	// A client that drops MCP Tray's entries more than maxHeals times within healWindow is
	// fighting MCP Tray (or the person keeps deleting them): stop and say so.
	maxHeals   = 5
	healWindow = time.Minute
)

// New returns a reconciler; it does nothing until Reconcile or Watch is called.
func New(opts Options) *Reconciler {
	if opts.Env.GOOS == "" {
		opts.Env = clients.FromOS()
	}
	if opts.Debounce <= 0 {
		opts.Debounce = 500 * time.Millisecond
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	r := &Reconciler{opts: opts, ctx: context.Background(),
		files: map[string]*clientFile{}, last: map[string]*ClientEvent{}}
	if r.opts.Binary == "" {
		r.opts.Binary, r.binErr = DefaultBinary()
	}
	if r.opts.Home == "" {
		if h, err := config.DefaultHome(); err == nil {
			r.opts.Home = string(h)
		}
	}
	if r.binErr == nil && !clients.IsOurs(r.opts.Binary, []string{"connect"}) {
		r.binErr = fmt.Errorf("MCP Tray's program %s is not named mcptray, so AI clients could not tell its entries apart; start MCP Tray from its installed mcptray program", r.opts.Binary)
	}
	return r
}

// DefaultBinary returns the absolute path of the mcptray program to write into client files:
// the running program with symbolic links resolved, or the mcptray next to it when the
// running program is the tray app (mcptray-app), since clients should start the small bridge.
func DefaultBinary() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("MCP Tray could not find its own program file: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(self); err == nil {
		self = resolved
	}
	return bridgeBinary(self)
}

// bridgeBinary is the mcptray program for the running program self.
func bridgeBinary(self string) (string, error) {
	base := filepath.Base(self)
	ext := filepath.Ext(base)
	if strings.EqualFold(strings.TrimSuffix(base, ext), "mcptray-app") {
		self = filepath.Join(filepath.Dir(self), "mcptray"+ext)
		if _, err := os.Stat(self); err != nil {
			return "", fmt.Errorf("the mcptray program is missing next to the MCP Tray app (%s); reinstall MCP Tray", self)
		}
	}
	return self, nil
}

// Binary is the mcptray path the reconciler writes into entries.
func (r *Reconciler) Binary() string { return r.opts.Binary }

// Reconcile makes the files of every client config.json names match cfg and starts or stops
// watching them. It blocks on file I/O (a few milliseconds per file) and is idempotent: a
// second call with the same cfg writes nothing. Problems are recorded, published and
// returned by Status, never written over.
func (r *Reconciler) Reconcile(cfg *config.Config) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cfg = cfg
	r.passLocked(cfg, "", false)
}

// ReconcileClient is Reconcile for the one client id, on the person's request (`client
// enable`): a file MCP Tray stopped putting its entries back into gets them again.
func (r *Reconciler) ReconcileClient(cfg *config.Config, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cfg = cfg
	r.passLocked(cfg, id, true)
}

// clientTarget is what one client's files should hold.
type clientTarget struct {
	c       clients.Client
	enabled bool
	paths   []string
	want    []clients.Entry
}

// targets lists the clients cfg names (only the one with id only, when set): the detected
// files of each, or for an enabled client that is not detected its main file, since the
// person asked for it (the client finds its servers once installed), and for a disabled one
// its main file when that exists.
func (r *Reconciler) targets(cfg *config.Config, only string) []clientTarget {
	if cfg == nil {
		return nil
	}
	detected := map[string][]clients.File{}
	for _, d := range clients.Detect(r.opts.Env) {
		detected[d.Client.ID()] = d.Files
	}
	var out []clientTarget
	for _, c := range clients.All() {
		b := cfg.Clients[c.ID()]
		if b == nil || (only != "" && c.ID() != only) {
			continue
		}
		t := clientTarget{c: c, enabled: b.Enabled}
		for _, f := range detected[c.ID()] {
			t.paths = append(t.paths, f.Path)
		}
		// A client switched off that is not detected may still hold MCP Tray's entries in a
		// main file MCP Tray created (which does not make it detected): they go too.
		if paths := c.Paths(r.opts.Env); len(t.paths) == 0 && len(paths) > 0 && (b.Enabled || fileExists(paths[0])) {
			t.paths = paths[:1]
		}
		if b.Enabled {
			for _, name := range ClientServers(cfg, c.ID()) {
				e := clients.NewEntry(r.opts.Binary, name)
				t.want = append(t.want, e.WithHome(clients.HomeArg(c, r.opts.Env, r.opts.Home)))
			}
		}
		out = append(out, t)
	}
	return out
}

func (r *Reconciler) passLocked(cfg *config.Config, only string, explicit bool) {
	targets := r.targets(cfg, only)
	watch := map[string]bool{}
	for _, t := range targets {
		for _, p := range t.paths {
			r.fileLocked(t.c, p)
			watch[p] = t.enabled
		}
	}
	// Watch before writing, so that a client saving right after MCP Tray is seen.
	for path, f := range r.files {
		if only != "" && f.client.ID() != only {
			continue
		}
		switch {
		case watch[path] && !f.watched:
			f.watched = true
			r.addWatchLocked(path)
		case !watch[path] && f.watched:
			f.watched = false
			if r.watcher != nil {
				r.watcher.Remove(path)
			}
		}
	}
	var jobs []applyJob
	for _, t := range targets {
		for _, p := range t.paths {
			f := r.files[p]
			if explicit || f.want != t.key() {
				f.heals, f.gaveUp = nil, false // a decision of the person's starts afresh
			}
			if !f.gaveUp {
				if job, ok := r.prepareLocked(t, p); ok {
					jobs = append(jobs, job)
				}
			}
		}
	}
	// The files are written a few at a time: each write waits for the disk (fsync) twice,
	// the backup's and the file's, and those waits overlap. What the writes found is then
	// taken in, in order, by this goroutine alone.
	// Jobs for one path (two clients sharing a file) run in their order, in one goroutine.
	var groups [][]int
	group := map[string]int{}
	for i, j := range jobs {
		g, ok := group[j.path]
		if !ok {
			g = len(groups)
			group[j.path] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallelWrites)
	for _, g := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			for _, i := range g {
				jobs[i].res, jobs[i].err = applyFile(jobs[i].t, jobs[i].path, r.opts.Backups)
			}
		}()
	}
	wg.Wait()
	for _, j := range jobs {
		r.finishLocked(j)
	}
}

// parallelWrites is how many client files a pass writes at once.
const parallelWrites = 4

// applyJob is one file a pass writes: what it should hold, and what writing it gave.
type applyJob struct {
	t       clientTarget
	path    string
	healing bool
	res     clients.Result
	err     error
}

func (r *Reconciler) addWatchLocked(path string) {
	if r.watcher == nil {
		return
	}
	if err := r.watcher.Add(path); err != nil {
		r.opts.Log.Warn("cannot watch AI client config file", "path", path, "err", err)
	}
}

func (r *Reconciler) fileLocked(c clients.Client, path string) *clientFile {
	f := r.files[path]
	if f == nil {
		f = &clientFile{client: c}
		r.files[path] = f
	}
	return f
}

// key identifies what a target wants, to tell a change of config.json from a change of the
// file.
func (t clientTarget) key() string {
	var b strings.Builder
	fmt.Fprint(&b, t.enabled)
	for _, e := range t.want {
		b.WriteString("\x00" + e.Command + "\x00" + e.Name)
	}
	return b.String()
}

// applyLocked makes one file hold t.want. When the file held it already after an earlier
// pass with the same want, entries written back are a self-heal: the client dropped them.
func (r *Reconciler) applyLocked(t clientTarget, path string) clients.Result {
	j, ok := r.prepareLocked(t, path)
	if !ok {
		return clients.Result{}
	}
	j.res, j.err = applyFile(t, path, r.opts.Backups)
	return r.finishLocked(j)
}

// prepareLocked decides whether the file at path must be written for t: not when the binary
// is missing (said as a problem) or when it holds t's entries since the last pass.
func (r *Reconciler) prepareLocked(t clientTarget, path string) (applyJob, bool) {
	f := r.fileLocked(t.c, path)
	healing := f.wantOK && f.want == t.key()
	if t.enabled && r.binErr != nil {
		r.problemLocked(t, path, f, r.binErr)
		return applyJob{}, false
	}
	if healing && f.seenOK && f.err == nil && f.stamp.unchanged(path) {
		// Not written since a pass found it holding exactly this: nothing to read or do
		// (~/.claude.json can be a hundred megabytes).
		return applyJob{}, false
	}
	return applyJob{t: t, path: path, healing: healing}, true
}

// applyFile writes t's entries into the file at path. It touches no state of the
// Reconciler, so several run at once (clients.Apply serialises writes of one path).
func applyFile(t clientTarget, path string, backups clients.BackupDir) (res clients.Result, err error) {
	for try := 0; try < 3; try++ { // the client saved at the same moment: read it again
		res, err = clients.Apply(t.c, path, t.want, clients.ApplyOptions{Backups: backups})
		if !errors.Is(err, clients.ErrChangedMeanwhile) {
			break
		}
	}
	return res, err
}

// finishLocked takes in what writing a file gave: problems, events, and what the file holds
// now.
func (r *Reconciler) finishLocked(j applyJob) clients.Result {
	t, path, res, err, healing := j.t, j.path, j.res, j.err, j.healing
	f := r.fileLocked(t.c, path)
	if err != nil {
		r.problemLocked(t, path, f, err)
		return res
	}
	// Verify after writing. Content that is right is remembered, so the watch does not act
	// on MCP Tray's own write; content a client rewrote in between is not, so it does.
	stamp := stampOf(path) // before reading: a write after it changes what stat says
	content, rerr := os.ReadFile(path)
	if rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		f.seenOK = false
	} else if cur, err := clients.ReadContent(t.c, path, content, rerr == nil); err == nil && sameServers(cur, t.want) {
		f.seen, f.seenOK, f.stamp = sha256.Sum256(content), true, stamp
		f.want, f.wantOK = t.key(), true
	} else {
		f.seenOK = false
	}
	if f.err != nil {
		f.err = nil
		if t.enabled {
			r.notifyLocked(ClientEvent{Time: time.Now().UTC(), Client: t.c.ID(), Path: path, Kind: OK,
				Message: fmt.Sprintf("%s's config file %s is in order again.", t.c.Name(), path)})
		}
	}
	if res.Changed {
		r.changedLocked(t, path, f, res, healing)
	}
	return res
}

// sameServers reports whether MCP Tray's entries in cur are exactly those of want.
func sameServers(cur clients.Config, want []clients.Entry) bool {
	n := 0
	for _, s := range cur.Servers {
		if !s.Ours {
			continue
		}
		n++
		found := false
		for _, e := range want {
			if e.Name == s.ServerName && e.Command == s.Command {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return n == len(want)
}

func (r *Reconciler) changedLocked(t clientTarget, path string, f *clientFile, res clients.Result, healing bool) {
	ev := ClientEvent{Time: time.Now().UTC(), Client: t.c.ID(), Path: path, Kind: Changed, Message: changeSentence(t.c, res)}
	if healing && t.enabled && len(res.Added)+len(res.Updated) > 0 {
		ev.Kind, ev.Message = Healed, healSentence(t.c, res)
		f.heals = append(f.heals, ev.Time)
	}
	for _, rn := range res.Renamed {
		ev.Message += " " + rn.Reason
	}
	if res.NeedsRestart {
		ev.Message += " " + res.RestartHint
	}
	r.last[t.c.ID()] = &ev
	r.recordLocked(ev)
}

func (r *Reconciler) recordLocked(ev ClientEvent) {
	r.events = append(r.events, ev)
	if len(r.events) > maxClientEvents {
		r.events = r.events[len(r.events)-maxClientEvents:]
	}
	r.opts.Log.Info("AI client config", "client", ev.Client, "path", ev.Path, "event", ev.Kind, "message", ev.Message)
	r.notifyLocked(ev)
}

func (r *Reconciler) notifyLocked(ev ClientEvent) {
	if r.opts.Notify != nil {
		r.opts.Notify(ev)
	}
}

// problemLocked records a problem with a file. The person hears of it once (not on every
// pass), and only for clients they enabled: a broken file of a client MCP Tray does not
// write to is not their concern here.
func (r *Reconciler) problemLocked(t clientTarget, path string, f *clientFile, err error) {
	repeat := f.err != nil && f.err.Error() == err.Error()
	f.err, f.seenOK = err, false
	if repeat {
		return
	}
	r.opts.Log.Warn("AI client config not updated", "client", t.c.ID(), "path", path, "err", err)
	if t.enabled {
		r.recordLocked(ClientEvent{Time: time.Now().UTC(), Client: t.c.ID(), Path: path, Kind: Error, Message: errorSentence(err)})
	}
}

func changeSentence(c clients.Client, res clients.Result) string {
	var parts []string
	for _, p := range []struct {
		verb  string
		names []string
	}{{"added", res.Added}, {"updated", res.Updated}, {"removed", res.Removed}} {
		if len(p.names) > 0 {
			parts = append(parts, p.verb+" "+prose.JoinAnd(p.names))
		}
	}
	return fmt.Sprintf("MCP Tray changed %s's config file %s: %s.", c.Name(), res.Path, strings.Join(parts, "; "))
}

// errorSentence is err as one sentence for the person.
func errorSentence(err error) string {
	s := strings.TrimSpace(err.Error())
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
