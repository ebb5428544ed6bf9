// Package atomicfile writes files so that a reader sees either the old content or the new,
// never a torn mix: temp file in the same directory, write, fsync, close, rename.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrNotRegular matches (errors.Is) the error WriteFile returns when its path holds something
// other than a file: a folder, a named pipe, a device, a socket, or a link to one of those or
// to nothing.
var ErrNotRegular = errors.New("not a regular file")

// WriteFile replaces path with data atomically, creating it with perm if it does not exist.
// On Unix an existing file keeps its permission bits unless they are wider than perm; on
// Windows perm is not used: an existing file keeps its permissions (ACLs) and attributes
// (ReplaceFileW) and a new one gets its folder's. On any error the temporary file is removed
// and the original is untouched.
//
// A symbolic link at path is never replaced and nothing is written through it: the file it
// finally points to is replaced atomically in its own folder, so a person's symlinked config
// (a dotfile manager's) stays a link to their file. WriteFile refuses, with an error matching
// ErrNotRegular and nothing changed, a path that is, or links to, anything but a regular file,
// and a link whose target does not exist.
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	return WriteParts(path, [][]byte{data}, perm)
}

// WriteParts is WriteFile for content given in parts, written one after the other: a big file
// whose unchanged parts are slices of the bytes it was read from is written without first
// being copied whole.
func WriteParts(path string, parts [][]byte, perm os.FileMode) (err error) {
	path, fi, err := target(path)
	if err != nil {
		return err
	}
	if fi != nil {
		perm = fi.Mode().Perm() & perm
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating temporary file next to %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := chmodTemp(f, perm); err != nil {
		return fmt.Errorf("setting permissions on %s: %w", tmp, err)
	}
	for _, data := range parts {
		if _, err := f.Write(data); err != nil {
			return fmt.Errorf("writing %s: %w", tmp, err)
		}
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp, err)
	}
	if err := replace(tmp, path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// target returns the file WriteFile replaces for path — path itself, or the file a link at path
// finally points to — with what it holds now (nil when there is no file yet). It looks at the
// last element only: links among the folders above it are followed by the rename as by any
// open.
func target(path string) (string, fs.FileInfo, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("looking at %s: %w", path, err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			dest, _ := os.Readlink(path)
			return "", nil, &notRegularError{path: path, what: fmt.Sprintf("a link to %s, which does not exist", dest)}
		}
		if fi, err = os.Lstat(real); err != nil {
			return "", nil, fmt.Errorf("looking at %s (where %s links to): %w", real, path, err)
		}
		if what := notFile(fi); what != "" {
			return "", nil, &notRegularError{path: path, what: "a link to " + what}
		}
		return real, fi, nil
	}
	if what := notFile(fi); what != "" {
		return "", nil, &notRegularError{path: path, what: what}
	}
	return path, fi, nil
}

// notFile says what fi is when it is not a file WriteFile may replace ("" when it is).
func notFile(fi fs.FileInfo) string {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		return ""
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0 && irregularIsFile:
		return ""
	}
	return "not a regular file"
}

type notRegularError struct{ path, what string }

func (e *notRegularError) Error() string {
	if e.what == "not a regular file" {
		return fmt.Sprintf("%s is not a regular file, so MCP Tray will not replace it", e.path)
	}
	return fmt.Sprintf("%s is %s, not a file, so MCP Tray will not replace it", e.path, e.what)
}

func (e *notRegularError) Is(target error) bool { return target == ErrNotRegular }
