package clients

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sync"
)

// ApplyOptions tune Apply and ReplaceWithOurs. Backups is required.
type ApplyOptions struct {
	// Backups is the folder that keeps copies of client files before each change, such as
	// MCPTRAY_HOME/backups (see BackupDir).
	Backups BackupDir

	// beforeWrite runs after the last read and before the write; tests use it to play a
	// client that saves its file at the worst moment.
	beforeWrite func()
}

// Result says what Apply or ReplaceWithOurs did to one file.
type Result struct {
	Client  string // the client's ID
	Path    string
	Changed bool // the file was written
	Created bool // the file did not exist before
	// Added, Updated and Removed name MCP Tray servers (Entry.Name), not file keys.
	Added, Updated, Removed []string
	// Renamed lists servers written under another key because the person already has an
	// entry of that name.
	Renamed []Rename
	// BackupPath is the copy of the previous content; empty when nothing was backed up (no
	// change, or the file is new).
	BackupPath string
	// NeedsRestart reports that the client sees the change only after a restart; RestartHint
	// then says how.
	NeedsRestart bool
	RestartHint  string
}

// Rename is a server written under another key than its name.
type Rename struct {
	Server string // the MCP Tray server
	Key    string // the key it got in the file
	Reason string // one sentence for the person
}

func (r Result) hasChanges() bool {
	return len(r.Added)+len(r.Updated)+len(r.Removed) > 0
}

// Apply makes the file at path hold exactly want among MCP Tray's own entries, and changes
// nothing else: entries of the person's are never touched, a name clash puts MCP Tray's entry
// under NAME-mcptray (reported in Result.Renamed), and an entry of ours whose server is not in
// want is removed. Apply(c, path, nil, …) removes all of MCP Tray's entries.
//
// Apply is idempotent: a second call with the same want writes nothing. A missing file is
// created (with its folder) only when there is something to add. A file that does not parse, or
// that holds what the client's format does not allow, is left byte for byte as it was and the
// error is a *FileError. Before writing, Apply re-reads the file and returns a *FileError
// wrapping ErrChangedMeanwhile if it changed since it was read; otherwise it backs up the
// previous content and replaces the file atomically. Apply blocks on file I/O and is safe for
// concurrent use (calls on the same path are serialised).
func Apply(c Client, path string, want []Entry, opts ApplyOptions) (Result, error) {
	if err := validateEntries(want); err != nil {
		return Result{}, fmt.Errorf("applying MCP Tray's entries to %s: %w", c.Name(), err)
	}
	return edit(c, path, opts, "", func(doc document) (Result, error) {
		return reconcile(doc, want)
	})
}

// ReplaceWithOurs turns the person's entry oldKey into MCP Tray's entry e, in place: same key,
// same position, the old command, arguments, environment and other settings gone. It is what
// `client import` does once MCP Tray has taken the server over. The rules of Apply hold:
// nothing else changes, a backup is kept, the write is atomic and refused if the file changed
// meanwhile. An oldKey that is not in the file gives ErrNotFound; one that is already ours is
// updated to e.
func ReplaceWithOurs(c Client, path, oldKey string, e Entry, opts ApplyOptions) (Result, error) {
	if err := validateEntries([]Entry{e}); err != nil {
		return Result{}, fmt.Errorf("replacing %q in %s: %w", oldKey, c.Name(), err)
	}
	return edit(c, path, opts, oldKey, func(doc document) (Result, error) {
		for _, s := range doc.servers() {
			if s.Key != oldKey {
				continue
			}
			if s.Ours {
				changed, err := doc.update(oldKey, e)
				if err != nil || !changed {
					return Result{}, err
				}
			} else if err := doc.replace(oldKey, e); err != nil {
				return Result{}, err
			}
			return Result{Updated: []string{e.Name}}, nil
		}
		return Result{}, fmt.Errorf("%w: %q", ErrNotFound, oldKey)
	})
}

// Read returns every entry of the file at path, MCP Tray's and the person's, in file order. A
// missing file gives an empty Config with Exists false. Read only reads; it is safe for
// concurrent use.
func Read(c Client, path string) (Config, error) {
	src, existed, err := readFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("reading %s's config file %s: %w", c.Name(), path, err)
	}
	return ReadContent(c, path, src, existed)
}

// ReadContent is Read for content already read from path (path only names the file in
// errors); existed false means the file does not exist. It is safe for concurrent use.
func ReadContent(c Client, path string, content []byte, existed bool) (Config, error) {
	doc, err := c.spec().format.parse(content)
	if err != nil {
		return Config{}, fileError(c, path, c.Format(), err)
	}
	servers := doc.servers()
	if jd, ok := doc.(*jsonDoc); ok {
		jd.markSkipped(c, path, servers)
	}
	return Config{Path: path, Exists: existed, Servers: servers}, nil
}

// pathLocks serialises edits of one file within this process.
var pathLocks sync.Map // cleaned path → *sync.Mutex

func lockPath(path string) func() {
	m, _ := pathLocks.LoadOrStore(filepath.Clean(path), new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

// edit is the one read–change–check–write cycle every change goes through. replaced is the
// key of a foreign entry the change may turn into ours (ReplaceWithOurs), "" otherwise.
func edit(c Client, path string, opts ApplyOptions, replaced string, change func(document) (Result, error)) (Result, error) {
	spec := c.spec()
	if opts.Backups == "" {
		return Result{}, fmt.Errorf("editing %s's config file %s: no backup folder given", c.Name(), path)
	}
	defer lockPath(path)()

	src, existed, err := readFile(path)
	if err != nil {
		return Result{}, fmt.Errorf("reading %s's config file %s: %w", c.Name(), path, err)
	}
	note := opts.Backups.readHolderNote(spec.id, path)
	out, res, next, err := editParts(c, path, src, existed, note, replaced, change)
	if err == nil && existed && spec.private && !readOnly(path) {
		keepPrivate(path)
	}
	if err != nil || !res.hasChanges() || (existed && out.equal(src)) {
		if err == nil && note != nil && next == nil {
			_ = opts.Backups.writeHolderNote(spec.id, path, nil) // stale: a failure only keeps it stale
		}
		return res, err
	}

	if existed && readOnly(path) {
		return Result{}, fileError(c, path, c.Format(), ErrReadOnly)
	}
	if opts.beforeWrite != nil {
		opts.beforeWrite()
	}
	same, err := sameContent(path, src, existed)
	if err != nil {
		return Result{}, fmt.Errorf("re-reading %s's config file %s: %w", c.Name(), path, err)
	}
	if !same {
		return Result{}, fileError(c, path, c.Format(), ErrChangedMeanwhile)
	}

	// A file with other names is written in place (inplace.go). Asked before the backup,
	// which may be a second name of the file itself (linkCopy).
	inPlace := existed && hasOtherNames(path)
	perm := os.FileMode(0o777) // atomicfile keeps an existing file's mode when perm is wider
	if spec.private {
		perm = 0o600
	}
	if existed {
		var kept []byte
		if res.BackupPath, kept, err = opts.Backups.save(spec.id, path, src); err != nil {
			return Result{}, fmt.Errorf("backing up %s's config file %s: %w", c.Name(), path, err)
		}
		if inPlace {
			// Written in place next: only over a backup known to be whole.
			if err := readsBack(res.BackupPath, kept); err != nil {
				return Result{}, fmt.Errorf("backing up %s's config file %s: %w", c.Name(), path, err)
			}
		}
	} else {
		perm = 0o600
		if err := opts.Backups.noteAbsent(spec.id, path); err != nil {
			return Result{}, fmt.Errorf("noting that %s's config file %s did not exist before: %w", c.Name(), path, err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return Result{}, fmt.Errorf("creating the folder for %s's config file %s: %w", c.Name(), path, err)
		}
	}
	if next != nil && !sameNote(next, note) {
		if err := opts.Backups.writeHolderNote(spec.id, path, next); err != nil {
			return Result{}, fmt.Errorf("noting that MCP Tray adds the servers' settings to %s's config file %s: %w", c.Name(), path, err)
		}
	}
	if err := writeClientFile(path, out, perm, inPlace); err != nil {
		detachBackup(path, res.BackupPath, src)
		return Result{}, fmt.Errorf("writing %s's config file %s: %w", c.Name(), path, err)
	}
	if next == nil && note != nil {
		_ = opts.Backups.writeHolderNote(spec.id, path, nil) // a note left behind is found stale later
	}
	finishBackup(res.BackupPath)
	res.Changed, res.Created = true, !existed
	if spec.needsRestart {
		res.NeedsRestart, res.RestartHint = true, spec.restartHint
	}
	return res, nil
}

// editBytes is edit without the files: it parses src, lets change edit it, and checks the
// result with verifyEdit. path only names the file in errors. It keeps no note of a servers'
// holder MCP Tray adds (holdernote.go), so a holder it added stays when emptied.
func editBytes(c Client, path string, src []byte, replaced string, change func(document) (Result, error)) ([]byte, Result, error) {
	out, res, _, err := editParts(c, path, src, src != nil, nil, replaced, change)
	return out.join(), res, err
}

// editNoted is editBytes with the note of the holder MCP Tray added (nil: none), as edit
// keeps it in the backup folder, and the note to keep after. src nil is a missing file.
func editNoted(c Client, src []byte, note *holderNote, change func(document) (Result, error)) ([]byte, Result, *holderNote, error) {
	out, res, next, err := editParts(c, "config", src, src != nil, note, "", change)
	return out.join(), res, next, err
}

// editParts is editBytes with the result in parts (content): a big file's unchanged parts
// stay slices of src. note is what the backup folder says about the servers' holder, and the
// note returned is the one to keep after writing the result (holdernote.go).
func editParts(c Client, path string, src []byte, existed bool, note *holderNote, replaced string, change func(document) (Result, error)) (content, Result, *holderNote, error) {
	spec := c.spec()
	doc, err := spec.format.parse(src)
	if err != nil {
		return nil, Result{}, nil, fileError(c, path, c.Format(), err)
	}
	if note != nil && !holdsOurs(doc) {
		note = nil // the holder is the person's now, or gone
	}
	wasValueless := false
	if hd, ok := doc.(holderDoc); ok {
		wasValueless = hd.valueless()
	}
	res, err := change(doc)
	if err != nil {
		return nil, Result{}, nil, fileError(c, path, c.Format(), err)
	}
	res.Client, res.Path = spec.id, path
	next := nextNote(doc, src, existed, wasValueless, note)
	var before []byte // the file as it was before MCP Tray added the holder, when known
	if next == nil && note != nil {
		before = undo(spec.format, doc, note)
	}
	var out content
	if before != nil {
		out = content{before}
	} else if p, ok := doc.(interface{ parts() content }); ok {
		out = p.parts()
	} else {
		out = content{doc.bytes()}
	}
	if !res.hasChanges() || out.equal(src) {
		return out, res, next, nil
	}
	err = nil
	if q, ok := doc.(interface {
		quickVerify(out content, skip string) (bool, error)
	}); ok && before == nil {
		var done bool
		if done, err = q.quickVerify(out, replaced); !done {
			err = verifyEdit(spec.format, src, out.join(), replaced)
		}
	} else {
		err = verifyEdit(spec.format, src, out.join(), replaced)
	}
	if err != nil {
		return nil, Result{}, nil, fmt.Errorf("editing %s's config file %s: MCP Tray's own check of the new content failed, so it left the file untouched (please report this): %w", c.Name(), path, err)
	}
	return out, res, next, nil
}

// keepPrivate takes group and other permissions off path and off the .orig copy its client
// keeps beside it, when the client loosened them. A failure changes nothing else: the next
// pass tries again.
func keepPrivate(path string) {
	for _, p := range []string{path, path + ".orig"} {
		if fi, err := os.Lstat(p); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
			os.Chmod(p, fi.Mode().Perm()&0o700)
		}
	}
}

// readOnly reports whether the person made the file at path read-only: its owner may not
// write it (on Windows, the read-only attribute). A rename through the folder would replace
// it all the same, so MCP Tray checks before writing.
func readOnly(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().Perm()&0o200 == 0
}

// readFile returns the content of path, or nil and false when it does not exist.
func readFile(path string) ([]byte, bool, error) {
	f, err := openNoWait(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if !fi.Mode().IsRegular() {
		// A named pipe or a device would block the reader, or never end.
		return nil, false, fmt.Errorf("%s is not a regular file, so MCP Tray leaves it alone", path)
	}
	b := make([]byte, 0, fi.Size()+512)
	for {
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, true, nil
		}
		if err != nil {
			return nil, false, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// sameContent reports whether the file at path still holds src (or still does not exist,
// when existed is false). It compares as it reads, so a big file is not held twice.
func sameContent(path string, src []byte, existed bool) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return !existed, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	if !existed {
		return false, nil
	}
	buf := make([]byte, 256<<10)
	for off := 0; ; {
		n, err := io.ReadFull(f, buf)
		if n > len(src)-off || !bytes.Equal(buf[:n], src[off:off+n]) {
			return false, nil
		}
		off += n
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return off == len(src), nil
		}
		if err != nil {
			return false, err
		}
	}
}

// verifyEdit is a safety net under the surgical editors: the new content must parse, and
// with MCP Tray's own entries taken out (and the replaced entry, if any) it must mean exactly
// what the old content meant. A bug in an editor then refuses to write instead of damaging a
// person's file.
func verifyEdit(f format, before, after []byte, replaced string) error {
	want, err := f.meaning(before, replaced)
	if err != nil {
		return fmt.Errorf("reading back the old content: %w", err)
	}
	got, err := f.meaning(after, replaced)
	if err != nil {
		return fmt.Errorf("reading back the new content: %w", err)
	}
	if !reflect.DeepEqual(want, got) {
		return errors.New("the edit changed content that is not MCP Tray's")
	}
	return nil
}
