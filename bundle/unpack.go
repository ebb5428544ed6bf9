package bundle

import (
	"archive/zip"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/internal/atomicfile"
)

// ErrExists is returned by Unpack when dir is there already.
var ErrExists = errors.New("that folder exists already")

// Unpacked is what Unpack made.
type Unpacked struct {
	// Dir is the folder the bundle was unpacked into.
	Dir string
	// Tree is "sha256:…" of the tree's manifest, in the format of MCP Tray's installed
	// servers (store.Verify checks it before every start).
	Tree string
}

// Unpack writes the bundle's files into dir, which must not exist (ErrExists): into a new
// folder beside it, renamed into place when every file is written, so a failed unpack leaves
// nothing at dir. Files are read-only (executable when the bundle marks them so, and the
// entry point of a binary server); the bytes written never exceed MaxUnpacked, whatever the
// zip's headers claim. Beside dir it keeps dir+".manifest", the tree's manifest, which
// store.Verify uses to name a changed file.
func (b *Bundle) Unpack(dir string) (Unpacked, error) {
	if !filepath.IsAbs(dir) {
		return Unpacked{}, fmt.Errorf("unpacking the bundle: %q is not an absolute folder", dir)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return Unpacked{}, fmt.Errorf("unpacking the bundle: %w", err)
	}
	if _, err := os.Lstat(dir); err == nil {
		return Unpacked{}, ErrExists
	}
	tmp, err := os.MkdirTemp(parent, ".unpack-"+filepath.Base(dir)+"-")
	if err != nil {
		return Unpacked{}, fmt.Errorf("unpacking the bundle: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	lines, err := b.write(tmp)
	if err != nil {
		return Unpacked{}, err
	}
	slices.Sort(lines)
	m := []byte(strings.Join(lines, ""))
	if err := os.Chmod(tmp, 0o755); err != nil {
		return Unpacked{}, fmt.Errorf("unpacking the bundle: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Lstat(dir); statErr == nil {
			return Unpacked{}, ErrExists
		}
		return Unpacked{}, fmt.Errorf("unpacking the bundle: %w", err)
	}
	done = true
	if err := atomicfile.WriteFile(dir+".manifest", m, 0o600); err != nil {
		os.RemoveAll(dir)
		return Unpacked{}, fmt.Errorf("recording the bundle's files: %w", err)
	}
	sum := sha256.Sum256(m)
	return Unpacked{Dir: dir, Tree: "sha256:" + hex.EncodeToString(sum[:])}, nil
}

// write writes every file under root and returns the tree's manifest lines.
func (b *Bundle) write(root string) ([]string, error) {
	var total int64
	lines := make([]string, 0, len(b.files))
	entry := filepath.ToSlash(filepath.Clean(b.Manifest.Server.EntryPoint))
	for _, f := range b.files {
		mode := os.FileMode(0o444)
		if f.Mode()&0o111 != 0 || (b.Manifest.Server.Type == TypeBinary && f.Name == entry) {
			mode = 0o555
		}
		sum, n, err := writeFile(root, f, mode, maxUnpacked-total)
		if err != nil {
			return nil, err
		}
		total += n
		lines = append(lines, fmt.Sprintf("%s\t%s%04o\t%s\n", f.Name, "f", mode, sum))
	}
	return lines, nil
}

// writeFile writes f under root with mode, reading at most limit bytes, and returns the hex
// sha256 of what it wrote and how much.
func writeFile(root string, f *zip.File, mode os.FileMode, limit int64) (string, int64, error) {
	target := filepath.Join(root, filepath.FromSlash(f.Name))
	if rel, err := filepath.Rel(root, target); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", 0, refuse("The bundle holds a file whose path leaves the bundle (%s), so it was not opened.", f.Name)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", 0, fmt.Errorf("unpacking %s: %w", f.Name, err)
	}
	rc, err := f.Open()
	if err != nil {
		return "", 0, refuse("The bundle's %s could not be read (%v), so it was not installed.", f.Name, err)
	}
	defer rc.Close()
	// O_EXCL: a name that reached the disk twice (folded by the file system) is refused.
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return "", 0, refuse("The bundle holds %q twice, so it could unpack in two ways and was not installed.", f.Name)
		}
		return "", 0, fmt.Errorf("unpacking %s: %w", f.Name, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), io.LimitReader(rc, limit+1))
	if err == nil && n > limit {
		err = refuse("The bundle would unpack to more than %d MB, so it was not installed.", MaxUnpacked>>20)
	}
	if err == nil && uint64(n) != f.UncompressedSize64 {
		err = refuse("The bundle's %s is not the size its archive says, so it was not installed.", f.Name)
	}
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("unpacking %s: %w", f.Name, cerr)
	}
	if err == nil {
		err = os.Chmod(target, mode)
	}
	if err != nil {
		var corrupt flate.CorruptInputError
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) || errors.As(err, &corrupt) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = refuse("The bundle's %s is damaged or not the size its archive says, so it was not installed.", f.Name)
		}
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
