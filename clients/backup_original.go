package clients

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// Besides the last KeepBackups generations, a backup folder keeps the client file as it was
// before MCP Tray's first change to it, original<extension>, which never rotates out: a person
// who finds out weeks later that they want their own file back still has it. Like every copy,
// it holds no credential (markers for keychain items, filled in by RestoreOriginal). When MCP
// Tray's first change created the file, the folder holds ORIGINAL-ABSENT.txt instead, and
// restoring the original takes the file away.

const (
	originalName   = "original"
	originalAbsent = "ORIGINAL-ABSENT.txt"
)

func (b BackupDir) originalPath(clientID, path string) string {
	return filepath.Join(b.dirFor(clientID, path), originalName+filepath.Ext(path))
}

// keepOriginal keeps the original copy of path, when the folder has none and this is MCP
// Tray's first change to the file: no generation kept before this one (its copy, just written
// at first, is then the original), or the first one still there (its copy is the original,
// kept by an older version that did not keep originals). When the first generation has
// already rotated out, the file as it was first is gone, and no copy is passed off as it. The
// original is a second name of that generation's copy where the file system allows it.
func (b BackupDir) keepOriginal(clientID, path, first string, existing []Backup) error {
	dir := b.dirFor(clientID, path)
	orig := b.originalPath(clientID, path)
	if exists(orig) || exists(filepath.Join(dir, originalAbsent)) {
		return nil
	}
	if len(existing) > 0 {
		oldest := existing[len(existing)-1]
		if oldest.Generation != 1 {
			return nil
		}
		first = oldest.Path
	}
	if os.Link(first, orig) == nil {
		return nil
	}
	clean, err := os.ReadFile(first)
	if err != nil {
		return fmt.Errorf("reading the first backup %s: %w", first, err)
	}
	if err := atomicfile.WriteFile(orig, clean, 0o600); err != nil {
		return fmt.Errorf("keeping the original of %s: %w", path, err)
	}
	return nil
}

// noteAbsent records, before MCP Tray's first change creates the client file at path, that
// the original state is no file at all. Nothing is written when the folder already knows an
// original or holds backups (the file existed once).
func (b BackupDir) noteAbsent(clientID, path string) error {
	dir := b.dirFor(clientID, path)
	if exists(b.originalPath(clientID, path)) || exists(filepath.Join(dir, originalAbsent)) {
		return nil
	}
	if list, err := listBackups(dir); err != nil || len(list) > 0 {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// The topmost folder the change is about to create goes too, when restoring leaves it
	// empty: an empty folder of the client's counts as the client being installed (Detect).
	note := path + " did not exist before MCP Tray's first change; restoring the original removes it.\n"
	top := ""
	for d := filepath.Dir(path); !exists(d); d = filepath.Dir(d) {
		top = d
		if filepath.Dir(d) == d {
			break
		}
	}
	if top != "" {
		note += createdFolderPrefix + top + "\n"
	}
	return atomicfile.WriteFile(filepath.Join(dir, originalAbsent), []byte(note), 0o600)
}

// createdFolderPrefix starts the line of ORIGINAL-ABSENT.txt naming the topmost folder MCP
// Tray's first change created for the file.
const createdFolderPrefix = "created folder: "

// removeCreatedFolders removes the folders MCP Tray created for path, from path's own up to
// the one the note names, as far as they are empty.
func removeCreatedFolders(notePath, path string) {
	note, err := os.ReadFile(notePath)
	if err != nil {
		return
	}
	top := ""
	for line := range strings.Lines(string(note)) {
		if v, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), createdFolderPrefix); ok {
			top = filepath.Clean(v)
		}
	}
	if top == "" {
		return
	}
	for d := filepath.Dir(path); d == top || strings.HasPrefix(d, top+string(filepath.Separator)); d = filepath.Dir(d) {
		if os.Remove(d) != nil || d == top {
			return
		}
	}
}

// Original is the copy of a client file as it was before MCP Tray's first change to it.
type Original struct {
	Path   string // the copy; "" when Absent
	Absent bool   // the file did not exist before MCP Tray's first change
}

// OriginalOf returns the original copy of the client file at path, and false when MCP Tray
// keeps none (it never changed the file, or changed it first in a version that kept no
// original and the first generation has rotated out). It only reads.
func OriginalOf(c Client, path string, dir BackupDir) (Original, bool) {
	if p := dir.originalPath(c.ID(), path); exists(p) {
		return Original{Path: p}, true
	}
	if exists(filepath.Join(dir.dirFor(c.ID(), path), originalAbsent)) {
		return Original{Absent: true}, true
	}
	return Original{}, false
}

// RestoreOriginal puts the client file at path back as it was before MCP Tray's first change
// (removes it, when that change created it), atomically, with the credentials the copy names
// filled in from the keychain. The original stays kept, so it can be restored again; the
// content it replaced is kept as before-last-restore<ext>, like Restore's. Without an
// original the error is a *FileError wrapping ErrNoBackup. It blocks on file I/O and the
// keychain and is serialised with Apply and Restore on the same path.
func RestoreOriginal(c Client, path string, dir BackupDir) (Restored, error) {
	defer lockPath(path)()
	orig, ok := OriginalOf(c, path, dir)
	if !ok {
		return Restored{}, &FileError{Client: c.Name(), Path: path, Err: ErrNoBackup, Reason: "has no copy kept from before MCP Tray's first change"}
	}
	var content []byte
	if !orig.Absent {
		kept, err := os.ReadFile(orig.Path)
		if err != nil {
			return Restored{}, fmt.Errorf("reading the original copy %s: %w", orig.Path, err)
		}
		if content, err = fillCredentials(kept); err != nil {
			return Restored{}, fmt.Errorf("restoring %s's config file %s: %w", c.Name(), path, err)
		}
	}
	current, existed, err := readFile(path)
	if err != nil {
		return Restored{}, fmt.Errorf("reading %s's config file %s: %w", c.Name(), path, err)
	}
	bdir := dir.dirFor(c.ID(), path)
	pre := filepath.Join(bdir, preRestoreName+filepath.Ext(path))
	oldPre, _ := os.ReadFile(pre)
	defer func() { dropItems(bdir, oldPre) }()
	perm := os.FileMode(0o777)
	if existed {
		if current, err = cleanCopy(c, current); err != nil {
			return Restored{}, fmt.Errorf("keeping the current content of %s before restoring: %w", path, err)
		}
		if err := atomicfile.WriteFile(pre, current, 0o600); err != nil {
			return Restored{}, fmt.Errorf("keeping the current content of %s before restoring: %w", path, err)
		}
	}
	switch {
	case orig.Absent:
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Restored{}, fmt.Errorf("removing %s's config file %s, which MCP Tray created: %w", c.Name(), path, err)
		}
		removeCreatedFolders(filepath.Join(bdir, originalAbsent), path)
		return Restored{Path: path, Message: fmt.Sprintf("Removed %s's config file %s, which did not exist before MCP Tray's first change.", c.Name(), path)}, nil
	case !existed:
		perm = 0o600
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return Restored{}, fmt.Errorf("creating the folder for %s: %w", path, err)
		}
	}
	inPlace := existed && hasOtherNames(path)
	if inPlace {
		if err := readsBack(pre, current); err != nil { // written in place next (inplace.go)
			return Restored{}, fmt.Errorf("keeping the current content of %s before restoring: %w", path, err)
		}
	}
	if err := writeClientFile(path, [][]byte{content}, perm, inPlace); err != nil {
		return Restored{}, fmt.Errorf("restoring %s's config file %s: %w", c.Name(), path, err)
	}
	return Restored{
		Path:    path,
		From:    Backup{Path: orig.Path},
		Message: fmt.Sprintf("Restored %s's config file %s as it was before MCP Tray's first change.", c.Name(), path),
	}, nil
}
