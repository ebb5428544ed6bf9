package clients

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mcptray/mcptray/internal/atomicfile"
	"github.com/mcptray/mcptray/keychain"
	"github.com/mcptray/mcptray/redact"
)

// BackupDir is the folder that keeps copies of client files, such as MCPTRAY_HOME/backups.
// Each file gets its own folder, <BackupDir>/<client id>/<file name>-<hash of its path>/,
// holding the last KeepBackups contents before MCP Tray changed the file, named
// <generation>-<UTC time><extension> so a person can open them, and the file as it was before
// MCP Tray's first change, original<extension>, which never rotates out (backup_original.go).
// Folders are 0700, files 0600.
// A copy never holds a credential: those are kept in the system keychain and the copy names
// them by a marker (see keepCredentialsOut), which Restore fills in again.
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

// save keeps content as the newest backup of path, its credentials in the keychain, and drops
// generations beyond KeepBackups. It returns the backup's path and what the backup holds (the
// content with markers for its credentials). Without a keychain to keep a credential in, it
// writes nothing and fails.
//
// When the copy is the file as it is (no credential in it) and minLinkSize bytes or more, the
// copy is a second name of the file at path rather than a copy (linkCopy): the caller must
// then replace path by a new file, as atomicfile does, and make the copy 0600 once it has
// (finishBackup).
func (b BackupDir) save(clientID, path string, content []byte) (string, []byte, error) {
	asIs := true
	if c, ok := ByID(clientID); ok {
		clean, err := cleanCopy(c, content)
		if err != nil {
			return "", nil, err
		}
		asIs = len(clean) == len(content) && (len(content) == 0 || &clean[0] == &content[0])
		content = clean
	}
	dir := b.dirFor(clientID, path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, err
	}
	existing, err := listBackups(dir)
	if err != nil {
		return "", nil, err
	}
	gen := 1
	if len(existing) > 0 {
		gen = existing[0].Generation + 1
	}
	now := time.Now().UTC()
	name := fmt.Sprintf("%06d-%s%s", gen, now.Format("20060102T150405Z"), filepath.Ext(path))
	target := filepath.Join(dir, name)
	if !asIs || len(content) < minLinkSize || linkCopy(path, target) != nil {
		if err := atomicfile.WriteFile(target, content, 0o600); err != nil {
			return "", nil, err
		}
	}
	if err := b.keepOriginal(clientID, path, target, existing); err != nil {
		return "", nil, err
	}
	// A note of where the copies come from, for a person browsing the folder.
	note := filepath.Join(dir, "ORIGINAL-PATH.txt")
	if !exists(note) {
		_ = atomicfile.WriteFile(note, []byte(path+"\n"), 0o600)
	}
	gone := map[string]bool{} // keychain items the dropped generations named
	defer func() { dropItemIDs(dir, gone) }()
	for i := KeepBackups - 1; i < len(existing); i++ {
		markersInFile(existing[i].Path, gone)
		if err := os.Remove(existing[i].Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return target, content, fmt.Errorf("removing an old backup: %w", err)
		}
	}
	return target, content, nil
}

// minLinkSize is the size from which a backup is a second name of the file rather than a copy:
// ~/.claude.json runs to 100 MB, and writing it twice (copy and new file) doubled the time of a
// change. Small files are copied, which is as fast and leaves nothing shared.
const minLinkSize = 1 << 20

// finishBackup makes the backup at backup private once the client file it was taken of has
// been replaced: a backup that is a second name of the old file (save) kept that file's mode.
func finishBackup(backup string) {
	if backup != "" {
		_ = os.Chmod(backup, 0o600)
		_ = os.Chmod(filepath.Join(filepath.Dir(backup), originalName+filepath.Ext(backup)), 0o600)
	}
}

// detachBackup gives the backup at backup, and the original kept with it, content of their
// own (content, the file as it was read) when the client file at path could not be replaced
// after save: a backup that is still a second name of the live file would change with every
// later write the client makes in place.
func detachBackup(path, backup string, content []byte) {
	if backup == "" {
		return
	}
	live, err := os.Stat(path)
	if err != nil {
		return
	}
	for _, name := range []string{backup, filepath.Join(filepath.Dir(backup), originalName+filepath.Ext(backup))} {
		if fi, err := os.Stat(name); err == nil && os.SameFile(live, fi) {
			_ = atomicfile.WriteFile(name, content, 0o600)
		}
	}
}

// Clean takes the credentials out of every copy kept of the client file at path, as a new
// backup has them taken out: for copies written before MCP Tray recognised a credential in
// the form it has there (by an older version, say). A copy that holds none is left as it is,
// so Clean is idempotent. Restore fills the credentials in again. It blocks on file I/O and
// the keychain, and is serialised with Apply and Restore on the same path.
func (b BackupDir) Clean(c Client, path string) error {
	defer lockPath(path)()
	dir := b.dirFor(c.ID(), path)
	list, err := listBackups(dir)
	if err != nil {
		return fmt.Errorf("listing the backups of %s's config file %s: %w", c.Name(), path, err)
	}
	files := []string{filepath.Join(dir, preRestoreName+filepath.Ext(path)), b.originalPath(c.ID(), path)}
	for _, k := range list {
		files = append(files, k.Path)
	}
	for _, f := range files {
		content, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading the backup %s: %w", f, err)
		}
		clean, err := cleanCopy(c, content)
		if err != nil {
			return fmt.Errorf("taking the credentials out of the backup %s: %w", f, err)
		}
		if !bytes.Equal(clean, content) {
			if err := atomicfile.WriteFile(f, clean, 0o600); err != nil {
				return fmt.Errorf("taking the credentials out of the backup %s: %w", f, err)
			}
		}
	}
	return nil
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
// reconcile adds its entries back. The credentials the backup names come back from the
// keychain; if one cannot be read, nothing is changed and the error says so.
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
	kept, err := os.ReadFile(newest.Path)
	if err != nil {
		return Restored{}, fmt.Errorf("reading the backup %s: %w", newest.Path, err)
	}
	content, err := fillCredentials(kept)
	if err != nil {
		return Restored{}, fmt.Errorf("restoring %s's config file %s: %w", c.Name(), path, err)
	}
	current, existed, err := readFile(path)
	if err != nil {
		return Restored{}, fmt.Errorf("reading %s's config file %s: %w", c.Name(), path, err)
	}
	pre := filepath.Join(bdir, preRestoreName+filepath.Ext(path))
	oldPre, _ := os.ReadFile(pre)
	defer func() { dropItems(bdir, kept, oldPre) }()
	perm := os.FileMode(0o777)
	if existed {
		if current, err = cleanCopy(c, current); err != nil {
			return Restored{}, fmt.Errorf("keeping the current content of %s before restoring: %w", path, err)
		}
		if err := atomicfile.WriteFile(pre, current, 0o600); err != nil {
			return Restored{}, fmt.Errorf("keeping the current content of %s before restoring: %w", path, err)
		}
	} else {
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

// Credentials never sit in a backup. A client file often holds credentials of entries MCP Tray
// does not manage (a token in another server's env, an Authorization header, a --password
// flag or a redis://:password@ address among its arguments); a plain copy
// would leave them in clear under MCP Tray's home. So before a copy is written, every value
// that looks like a credential (LooksLikeCredential, by its member's name or its form, and
// every argument of a list that holds one, CredentialsInArgs) is put
// in the system keychain and replaced in the copy by a marker naming the keychain item,
// mcptray-keychain-backup:C<16 hex digits>. The item holds the exact bytes the marker stands for
// (the value as the file spells it, escapes included), so Restore puts back the original file
// byte for byte. Items are deleted once no kept copy names them. Without a keychain MCP Tray
// does not write the copy, and so does not change the client file.

// backupService is the keychain's server name for credentials kept out of backups. A space
// cannot be in an MCP Tray server name, so it never meets a server's own secrets.
const backupService = "mcptray backups"

// backupMarkerPrefix starts a marker; the item key that follows has a fixed length, so a
// marker ends unambiguously whatever text follows it.
const backupMarkerPrefix = "mcptray-keychain-backup:"

// quotedRE matches a double-quoted string with JSON-style escapes.
var quotedRE = regexp.MustCompile(`"(?:[^"\\\n]|\\.)*"`)

var backupMarkerRE = regexp.MustCompile(regexp.QuoteMeta(backupMarkerPrefix) + `(C[0-9a-f]{16})`)

// backupKeys is the keychain backups keep credentials in: the system one, as for servers'
// secrets. The package's tests use a memory store.
var backupKeys = func() keychain.Store { return keychain.System(keychain.Options{}) }

// credentialsIn lists the values in content that look like credentials, longest first: by
// their member's name or their form. In a file that does not parse, no name is known, so every
// quoted string is judged by its form alone.
func credentialsIn(c Client, content []byte) []string {
	seen := map[string]bool{}
	tree, err := c.spec().format.meaning(content, "")
	if err != nil {
		for _, lit := range quotedRE.FindAll(content, -1) {
			var v string
			if json.Unmarshal(lit, &v) == nil && v != "" && !kept(v) && (LooksLikeCredential("", v) || urlCredential(v)) {
				seen[v] = true
			}
		}
		tree = nil
	}
	var walk func(name string, v any)
	walk = func(name string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				walk(k, x)
			}
		case []any:
			for _, x := range v {
				walk(name, x)
			}
			argCredentials(v, seen)
		case []map[string]any:
			for _, x := range v {
				walk(name, x)
			}
		case string:
			if v != "" && !kept(v) && (LooksLikeCredential(name, v) || urlCredential(v)) {
				seen[v] = true
			}
		}
	}
	walk("", tree)
	values := slices.Collect(maps.Keys(seen))
	for _, v := range tokensIn(content) { // comments, which the tree leaves out
		if !kept(v) && !slices.ContainsFunc(values, func(s string) bool { return strings.Contains(s, v) }) {
			seen[v] = true
		}
	}
	out := slices.Collect(maps.Keys(seen))
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
	return out
}

// argCredentials marks in seen every string of list, read as a command line, that holds a
// credential (CredentialsInArgs): the whole argument, since a short password inside a URL
// could not be replaced on its own without hitting other text.
func argCredentials(list []any, seen map[string]bool) {
	args := make([]string, len(list))
	for i, x := range list {
		args[i], _ = x.(string)
	}
	for _, c := range CredentialsInArgs(args) {
		if !kept(args[c.Arg]) {
			seen[args[c.Arg]] = true
		}
	}
}

// kept reports a value that is already a marker of a credential kept in the keychain (this
// file's, or mcptray-keychain:SERVER/KEY of an import): cleaning a copy again leaves it.
func kept(v string) bool { return strings.Contains(v, "mcptray-keychain") }

// keepCredentialsOut returns content with every credential replaced by a marker, each stored
// in keys first. A value shorter than redact.MinLen is replaced only where it is a whole
// string (quoted, or a YAML plain value), so that a short value cannot hit other text.
func keepCredentialsOut(ctx context.Context, keys keychain.Store, creds []string, content []byte) ([]byte, error) {
	ids := map[string]string{} // bytes kept → their item, so a value repeated is kept once
	keep := func(raw string) (string, error) {
		if id, ok := ids[raw]; ok {
			return id, nil
		}
		id, err := newBackupItem()
		if err != nil {
			return "", err
		}
		if err := keys.Set(ctx, backupService, id, raw); err != nil {
			return "", noKeychain(err)
		}
		ids[raw] = id
		return id, nil
	}
	// First every double-quoted string whose value is a credential, however its escapes spell
	// it: the quotes stay, what is between them goes to the keychain.
	isCred := map[string]bool{}
	for _, v := range creds {
		isCred[v] = true
	}
	var failed error
	content = quotedRE.ReplaceAllFunc(content, func(lit []byte) []byte {
		var v string
		if failed != nil || json.Unmarshal(lit, &v) != nil || !isCred[v] {
			return lit
		}
		id, err := keep(string(lit[1 : len(lit)-1]))
		if err != nil {
			failed = err
			return lit
		}
		return []byte(`"` + backupMarkerPrefix + id + `"`)
	})
	if failed != nil {
		return nil, failed
	}
	// Then what is left in any other form: single quotes, YAML plain values, a credential
	// inside a longer text (a URL, an argument), base64.
	for _, v := range creds {
		encoded := redact.Forms(v)
		if len(encoded) == 0 {
			quoted := regexp.MustCompile(`(?m)(["']|:[ \t]+)` + regexp.QuoteMeta(v) + `(["']|[ \t]*(?:#.*)?\r?$)`)
			var failed error
			content = quoted.ReplaceAllFunc(content, func(m []byte) []byte {
				sub := quoted.FindSubmatch(m)
				open, end := string(sub[1]), string(sub[2])
				isQuote := func(s string) bool { return s == `"` || s == `'` }
				if isQuote(open) && end != open || !isQuote(open) && isQuote(end) {
					return m // a quote on one side only: part of a longer text
				}
				id, err := keep(v)
				if err != nil {
					failed = err
					return m
				}
				return []byte(open + backupMarkerPrefix + id + end)
			})
			if failed != nil {
				return nil, failed
			}
			continue
		}
		for _, f := range encoded {
			if !bytes.Contains(content, []byte(f)) {
				continue
			}
			id, err := keep(f)
			if err != nil {
				return nil, err
			}
			content = bytes.ReplaceAll(content, []byte(f), []byte(backupMarkerPrefix+id))
		}
	}
	return content, nil
}

// noKeychain is the error of a backup whose credentials found no place in the keychain: the
// keychain's own sentence, without the item's name, which means nothing to a person.
func noKeychain(err error) error {
	var op *keychain.OpError
	if errors.As(err, &op) {
		err = op.Err
	}
	return fmt.Errorf("the file holds credentials, MCP Tray keeps no copy of a credential outside the system keychain, and the keychain did not take them: %w", err)
}

func newBackupItem() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "C" + hex.EncodeToString(b[:]), nil
}

// cleanCopy is content ready to be kept in a backup folder: without credentials.
func cleanCopy(c Client, content []byte) ([]byte, error) {
	if _, isJSON := c.spec().format.(jsonFormat); isJSON {
		// One pass to find, one to replace, no tree: client files run to 100 MB.
		if creds, ok := jsonCredentials(content); ok {
			if len(creds) == 0 {
				return content, nil
			}
			ctx, cancel := context.WithTimeout(context.Background(), keychainWait)
			defer cancel()
			if out, ok, err := keepJSONCredentialsOut(ctx, backupKeys(), creds, content); ok {
				return out, err
			}
		}
	}
	creds := credentialsIn(c, content)
	if len(creds) == 0 {
		return content, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), keychainWait)
	defer cancel()
	return keepCredentialsOut(ctx, backupKeys(), creds, content)
}

// keychainWait bounds the keychain work of one backup or restore; an unlock prompt may take a
// person a while.
const keychainWait = 2 * time.Minute

// fillCredentials replaces every marker in content by the bytes its keychain item keeps. A
// marker whose item cannot be read fails the whole: a restore must give back the file exactly.
func fillCredentials(content []byte) ([]byte, error) {
	if !backupMarkerRE.Match(content) {
		return content, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), keychainWait)
	defer cancel()
	keys := backupKeys()
	vals := map[string]string{}
	for _, m := range backupMarkerRE.FindAllSubmatch(content, -1) {
		id := string(m[1])
		if _, ok := vals[id]; ok {
			continue
		}
		v, err := keys.Get(ctx, backupService, id)
		if err != nil {
			var op *keychain.OpError
			if errors.As(err, &op) {
				err = op.Err
			}
			return nil, fmt.Errorf("MCP Tray could not read the credentials it kept for this backup from the system keychain: %w", err)
		}
		vals[id] = v
	}
	return backupMarkerRE.ReplaceAllFunc(content, func(m []byte) []byte {
		return []byte(vals[string(m[len(backupMarkerPrefix):])])
	}), nil
}

// dropItems deletes the keychain items named in dropped (contents no longer kept) that no file
// left in dir names. It is best effort: an item left behind holds a credential the person had
// anyway, in the keychain.
func dropItems(dir string, dropped ...[]byte) {
	gone := map[string]bool{}
	for _, content := range dropped {
		for _, m := range backupMarkerRE.FindAllSubmatch(content, -1) {
			gone[string(m[1])] = true
		}
	}
	dropItemIDs(dir, gone)
}

// dropItemIDs deletes the keychain items gone names that no file left in dir names. Files are
// read a piece at a time: a backup of ~/.claude.json runs to 100 MB.
func dropItemIDs(dir string, gone map[string]bool) {
	if len(gone) == 0 {
		return
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		named := map[string]bool{}
		markersInFile(filepath.Join(dir, e.Name()), named)
		for id := range named {
			delete(gone, id)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), keychainWait)
	defer cancel()
	keys := backupKeys()
	for id := range gone {
		keys.Delete(ctx, backupService, id)
	}
}

// markersInFile adds to ids the keychain items the markers in the file at path name, reading
// it a megabyte at a time (a marker across two pieces is found: pieces overlap by a marker's
// length). A file that cannot be read names none.
func markersInFile(path string, ids map[string]bool) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	const overlap = len(backupMarkerPrefix) + 17 // prefix, C and 16 hex digits
	buf := make([]byte, 1<<20)
	keep := 0
	for {
		n, err := io.ReadFull(f, buf[keep:])
		chunk := buf[:keep+n]
		for _, m := range backupMarkerRE.FindAllSubmatch(chunk, -1) {
			ids[string(m[1])] = true
		}
		if err != nil {
			return
		}
		keep = min(overlap, len(chunk))
		copy(buf, chunk[len(chunk)-keep:])
	}
}
