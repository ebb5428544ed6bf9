package clients

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// A client file can have more than one name: a hard link that a dotfiles manager made, or
// that a person made to share one server list between two clients. Replacing such a file
// the atomic way (a new file renamed over path) gives path a new file and leaves every other
// name with the old content, silently splitting what the person joined: their other client
// then never sees the change, and a later disable or restore no longer reaches it. So a file
// with other names is written in place instead, as careful editors do (vim's 'backupcopy'
// "auto" writes such a file in place after making its backup copy): its identity stays (every
// name, its mode, owner and attributes), and the cost is atomicity. MCP Tray therefore writes
// in place only after the backup of the old content has been written, synced and read back
// as written, syncs the file after writing, and reads it back; an interrupted write leaves a
// file that `mcptray client restore` puts right from that backup.

// writeClientFile gives the client file at path the content out: atomically (a new file, with
// perm when none existed, see atomicfile), or in place when inPlace (the file had other names
// when the edit began: hasOtherNames must be asked before a backup that may be a second name
// of the file, see linkCopy, is taken).
func writeClientFile(path string, out content, perm os.FileMode, inPlace bool) error {
	if inPlace {
		return writeInPlace(path, out)
	}
	return atomicfile.WriteParts(path, out, perm)
}

// Rewrite gives the existing client file at path the content data, as MCP Tray writes client
// files: atomically, or in place when the file has other names, so that every name keeps
// seeing it. It is for content already checked and backed up by the caller (restore's
// credentials put back, say); it blocks on file I/O.
func Rewrite(path string, data []byte) error {
	return writeClientFile(path, content{data}, 0o777, hasOtherNames(path))
}

// writeInPlace writes out over the file at path (the file a link at path points to), keeping
// its identity, syncs it, and reads it back.
func writeInPlace(path string, out content) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	for _, p := range out {
		if _, err := f.Write(p); err != nil {
			f.Close()
			return fmt.Errorf("writing %s in place: %w", path, err)
		}
	}
	if err := f.Truncate(int64(out.len())); err != nil {
		f.Close()
		return fmt.Errorf("writing %s in place: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("syncing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", path, err)
	}
	same, err := sameContent(path, out.join(), true)
	if err == nil && !same {
		err = errors.New("it does not read back as written (did another program write it at the same moment?)")
	}
	if err != nil {
		return fmt.Errorf("reading back %s after writing it in place: %w", path, err)
	}
	return nil
}

// readsBack checks that the copy at path holds want, synced as atomicfile leaves it: what a
// file with other names is written in place after.
func readsBack(path string, want []byte) error {
	got, err := os.ReadFile(path)
	if err == nil && !bytes.Equal(got, want) {
		err = errors.New("it does not hold what was written")
	}
	if err != nil {
		return fmt.Errorf("checking the backup %s: %w", path, err)
	}
	return nil
}
