package bundle

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Limits on what a bundle may hold. Real bundles with node_modules are tens of megabytes.
const (
	// MaxFile is the largest bundle file Open reads.
	MaxFile = 512 << 20
	// MaxUnpacked is the most bytes a bundle may unpack to, all files together.
	MaxUnpacked = 1 << 30
	// MaxEntries is the most files and folders a bundle may hold.
	MaxEntries = 100_000
)

// maxUnpacked is MaxUnpacked; tests lower it.
var maxUnpacked int64 = MaxUnpacked

// Bundle is an opened, checked bundle: its manifest, its files and its signature. Treat it as
// read-only; it is then safe to share between goroutines.
type Bundle struct {
	// Manifest is manifest.json, decoded.
	Manifest *Manifest
	// SHA256 is the hex sha256 of the whole file as read, signature block included: what the
	// registry's fileSha256 names and what the installed server records.
	SHA256 string
	// Signature says who signed the bundle; Signature.Status is Unsigned when nobody did.
	Signature Signature
	// Size is the file's size in bytes.
	Size int64

	content []byte      // the zip, without the signature block
	files   []*zip.File // regular files, checked
}

// Open reads the bundle at file and checks it (see the package doc). The error wraps
// ErrRefused, with one plain sentence, when the bundle itself is the problem.
func Open(file string) (*Bundle, error) {
	// Not opened before it is known to be a file: opening a named pipe waits for a writer.
	if st, err := os.Stat(file); err == nil && !st.Mode().IsRegular() {
		return nil, refuse("%s is not a file.", file)
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("opening the bundle: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("opening the bundle: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, refuse("%s is not a file.", file)
	}
	if info.Size() > MaxFile {
		return nil, refuse("The bundle is larger than %d MB, so it was not opened.", MaxFile>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading the bundle: %w", err)
	}
	if len(data) > MaxFile {
		return nil, refuse("The bundle is larger than %d MB, so it was not opened.", MaxFile>>20)
	}
	return Read(data)
}

// Read checks the bundle held in data, as Open does for a file.
func Read(data []byte) (*Bundle, error) {
	sum := sha256.Sum256(data)
	b := &Bundle{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	content, sig, err := splitSignature(data)
	if err != nil {
		return nil, err
	}
	b.content = content
	if b.Signature, err = verifySignature(content, sig); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(content), int64(len(content)))
	if err != nil {
		return nil, refuse("The file is not a bundle MCP Tray can read (it is not a zip archive).")
	}
	if err := b.checkEntries(zr.File); err != nil {
		return nil, err
	}
	mf := b.find("manifest.json")
	if mf == nil {
		return nil, refuse("The bundle has no manifest.json, so it is not a Claude extension bundle.")
	}
	raw, err := readEntry(mf, maxManifest+1)
	if err != nil {
		return nil, err
	}
	if b.Manifest, err = parseManifest(raw); err != nil {
		return nil, err
	}
	if err := b.checkEntryPoint(); err != nil {
		return nil, err
	}
	return b, nil
}

// checkEntries refuses names that leave the bundle or could be read as another name, links
// and other special files, encrypted entries, and more entries or bytes than the limits.
func (b *Bundle) checkEntries(files []*zip.File) error {
	if len(files) > MaxEntries {
		return refuse("The bundle holds more than %d files, so it was not opened.", MaxEntries)
	}
	names := map[string]string{} // folded name → name as written
	isFile := map[string]bool{}
	var total uint64
	fold := cases.Fold()
	for _, f := range files {
		name := f.Name
		if err := checkName(name); err != nil {
			return err
		}
		dir := strings.HasSuffix(name, "/")
		clean := strings.TrimSuffix(name, "/")
		key := fold.String(norm.NFC.String(clean))
		if prev, ok := names[key]; ok {
			if prev == clean {
				return refuse("The bundle holds %q twice, so it could unpack in two ways and was not opened.", clean)
			}
			return refuse("The bundle holds both %q and %q, names that are the same file on Windows and macOS, so it was not opened.", prev, clean)
		}
		names[key] = clean
		mode := f.Mode()
		switch {
		case mode&os.ModeSymlink != 0:
			return refuse("The bundle holds a link (%s), which could point outside it, so it was not opened.", clean)
		case dir || mode.IsDir():
			if f.UncompressedSize64 != 0 {
				return refuse("The bundle holds a folder with contents of its own (%s), so it was not opened.", clean)
			}
			continue
		case !mode.IsRegular():
			return refuse("The bundle holds a special file (%s), so it was not opened.", clean)
		}
		if f.Flags&0x1 != 0 {
			return refuse("The bundle holds an encrypted file (%s), which MCP Tray cannot check, so it was not opened.", clean)
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return refuse("The bundle holds a file compressed in a way MCP Tray does not read (%s), so it was not opened.", clean)
		}
		total += f.UncompressedSize64
		if f.UncompressedSize64 > uint64(maxUnpacked) || total > uint64(maxUnpacked) {
			return refuse("The bundle would unpack to more than %d MB, so it was not opened.", MaxUnpacked>>20)
		}
		isFile[key] = true
		b.files = append(b.files, f)
	}
	// A file may not also be a folder that other entries are in ("a" and "a/b").
	for key := range names {
		for p := path.Dir(key); p != "."; p = path.Dir(p) {
			if isFile[p] {
				return refuse("The bundle holds %q both as a file and as a folder, so it was not opened.", names[p])
			}
		}
	}
	return nil
}

// checkName refuses an entry name that is not a plain relative path inside the bundle.
func checkName(name string) error {
	switch {
	case name == "" || !utf8.ValidString(name):
		return refuse("The bundle holds a file without a readable name, so it was not opened.")
	case strings.ContainsAny(name, "\x00\\:") || strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return refuse("The bundle holds a file named %q, which is not a plain name inside the bundle, so it was not opened.", name)
	case strings.HasPrefix(name, "/"):
		return refuse("The bundle holds a file with an absolute path (%s), so it was not opened.", name)
	}
	clean := strings.TrimSuffix(name, "/")
	for _, part := range strings.Split(clean, "/") {
		switch part {
		case "..":
			return refuse("The bundle holds a file whose path leaves the bundle (%s), so it was not opened.", name)
		case "", ".":
			return refuse("The bundle holds a file named %q, which is not a plain name inside the bundle, so it was not opened.", name)
		}
	}
	return nil
}

// find returns the regular file named name, or nil.
func (b *Bundle) find(name string) *zip.File {
	for _, f := range b.files {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// readEntry reads at most limit bytes of f; more is refused.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, refuse("The bundle's %s could not be read (%v), so it was not opened.", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit))
	if err != nil {
		return nil, refuse("The bundle's %s could not be read (%v), so it was not opened.", f.Name, err)
	}
	if int64(len(data)) >= limit {
		return nil, refuse("The bundle's %s is too large, so it was not opened.", f.Name)
	}
	return data, nil
}

// checkEntryPoint refuses an entry point that is not a file inside the bundle.
func (b *Bundle) checkEntryPoint() error {
	ep := b.Manifest.Server.EntryPoint
	clean := path.Clean(strings.ReplaceAll(ep, "\\", "/"))
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || strings.Contains(ep, ":") {
		return refuse("The bundle's entry point (%s) is outside the bundle, so it was not opened.", ep)
	}
	if b.find(clean) == nil {
		return refuse("The bundle's entry point (%s) is not in the bundle, so it was not opened.", ep)
	}
	return nil
}
