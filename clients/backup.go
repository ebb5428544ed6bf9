package clients

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// BackupDir is the folder that keeps copies of client files, such as MCPTRAY_HOME/backups.
// Each file gets its own folder, <BackupDir>/<client id>/<file name>-<hash of its path>/,
// holding the last KeepBackups contents before MCP Tray changed the file, named
// <generation>-<UTC time><extension> so a person can open them. Folders are 0700, files 0600.
type BackupDir string

// KeepBackups is how many generations of each client file are kept.
const KeepBackups = 5

// Backup is one kept copy of a client file.
type Backup struct {
	Path       string    // the copy
	Generation int       // grows by one with each backup of the same file
	Time       time.Time // when it was taken (UTC, to the second)
}

// preRestoreName holds the content a Restore replaced, so a restore can be undone by hand.
const preRestoreName = "before-last-restore"

func (b BackupDir) dirFor(clientID, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	sum := sha256.Sum256([]byte(filepath.Clean(abs)))
	return filepath.Join(string(b), clientID, filepath.Base(abs)+"-"+hex.EncodeToString(sum[:4]))
}

// save keeps content as the newest backup of path and drops generations beyond KeepBackups.
// It returns the backup's path.
func (b BackupDir) save(clientID, path string, content []byte) (string, error) {
	dir := b.dirFor(clientID, path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	existing, err := listBackups(dir)
	if err != nil {
		return "", err
	}
	gen := 1
	if len(existing) > 0 {
		gen = existing[0].Generation + 1
	}
	now := time.Now().UTC()
	name := fmt.Sprintf("%06d-%s%s", gen, now.Format("20060102T150405Z"), filepath.Ext(path))
	target := filepath.Join(dir, name)
	if err := atomicfile.WriteFile(target, content, 0o600); err != nil {
		return "", err
	}
	// A note of where the copies come from, for a person browsing the folder.
	note := filepath.Join(dir, "ORIGINAL-PATH.txt")
	if !exists(note) {
		_ = atomicfile.WriteFile(note, []byte(path+"\n"), 0o600)
	}
	for i := KeepBackups - 1; i < len(existing); i++ {
		if err := os.Remove(existing[i].Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return target, fmt.Errorf("removing an old backup: %w", err)
		}
	}
	return target, nil
}

// listBackups returns the backups in dir, newest first.
func listBackups(dir string) ([]Backup, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Backup
	for _, e := range entries {
		genText, rest, ok := strings.Cut(e.Name(), "-")
		gen, err := strconv.Atoi(genText)
		if !ok || err != nil || e.IsDir() {
			continue
		}
		stamp, _, _ := strings.Cut(rest, ".")
		when, _ := time.Parse("20060102T150405Z", stamp)
		out = append(out, Backup{Path: filepath.Join(dir, e.Name()), Generation: gen, Time: when})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Generation > out[j].Generation })
	return out, nil
}

// Backups lists the kept copies of the client file at path, newest first. It only reads and
// is safe for concurrent use.
func Backups(c Client, path string, dir BackupDir) ([]Backup, error) {
	list, err := listBackups(dir.dirFor(c.ID(), path))
	if err != nil {
		return nil, fmt.Errorf("listing the backups of %s's config file %s: %w", c.Name(), path, err)
	}
	return list, nil
}

// Restored says what Restore did.
type Restored struct {
	Path    string // the client file
	From    Backup // the backup that was put back (and is no longer kept as a backup)
	Message string // one sentence for the person
}

// Restore puts the newest backup of the client file at path back in place, atomically, and
// takes it off the list, so calling Restore again goes one generation further back. The
// content it replaced is kept in the backup folder as before-last-restore<ext>. With no backup
// the error is a *FileError wrapping ErrNoBackup. Restore does not parse either content: a
// backup is the person's own earlier file. It blocks on file I/O and is serialised with Apply
// on the same path. Note that if MCP Tray is still set to write this client, its next
// reconcile adds its entries back.
func Restore(c Client, path string, dir BackupDir) (Restored, error) {
	defer lockPath(path)()
	bdir := dir.dirFor(c.ID(), path)
	list, err := listBackups(bdir)
	if err != nil {
		return Restored{}, fmt.Errorf("listing the backups of %s's config file %s: %w", c.Name(), path, err)
	}
	if len(list) == 0 {
		return Restored{}, &FileError{Client: c.Name(), Path: path, Err: ErrNoBackup, Reason: "has no backup to restore (MCP Tray keeps one before each change it makes)"}
	}
	newest := list[0]
	content, err := os.ReadFile(newest.Path)
	if err != nil {
		return Restored{}, fmt.Errorf("reading the backup %s: %w", newest.Path, err)
	}
	current, existed, err := readFile(path)
	if err != nil {
		return Restored{}, fmt.Errorf("reading %s's config file %s: %w", c.Name(), path, err)
	}
	perm := os.FileMode(0o777)
	if existed {
		if err := atomicfile.WriteFile(filepath.Join(bdir, preRestoreName+filepath.Ext(path)), current, 0o600); err != nil {
			return Restored{}, fmt.Errorf("keeping the current content of %s before restoring: %w", path, err)
		}
	} else {
		perm = 0o600
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return Restored{}, fmt.Errorf("creating the folder for %s: %w", path, err)
		}
	}
	if err := atomicfile.WriteFile(path, content, perm); err != nil {
		return Restored{}, fmt.Errorf("restoring %s's config file %s: %w", c.Name(), path, err)
	}
	if err := os.Remove(newest.Path); err != nil {
		return Restored{}, fmt.Errorf("taking the restored backup %s off the list: %w", newest.Path, err)
	}
	when := "an earlier version"
	if !newest.Time.IsZero() {
		when = "the backup of " + newest.Time.Format("2006-01-02 15:04 MST")
	}
	return Restored{
		Path: path, From: newest,
		Message: fmt.Sprintf("Restored %s's config file %s from %s.", c.Name(), path, when),
	}, nil
}
