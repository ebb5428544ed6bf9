package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// A tree's manifest is one line per file, sorted by path: the path relative to the tree
// (with "/"), its kind and permission bits, and the sha256 of its contents (of the link's
// target for a symbolic link). The tree's checksum is the sha256 of the manifest. Folders
// are not listed: an empty folder changes nothing a server runs.

// manifest walks dir and returns its manifest. Files are read by a few goroutines at once:
// a server's tree has thousands of small files.
func manifest(dir string) ([]byte, error) {
	type file struct {
		rel  string
		path string
		info fs.FileInfo
	}
	var files []file
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if strings.ContainsAny(rel, "\t\n") {
			return fmt.Errorf("the file name %q cannot be recorded", rel)
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files = append(files, file{rel, path, info})
		return nil
	})
	if err != nil {
		return nil, err
	}
	lines := make([]string, len(files))
	errs := make([]error, len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.NumCPU(), 4) {
		wg.Go(func() {
			for i := range next {
				f := files[i]
				sum, kind, ok := sums.get(f.path, f.info)
				var err error
				if !ok {
					if sum, kind, err = fileSum(f.path, f.info); err == nil {
						sums.put(f.path, f.info, sum, kind)
					}
				}
				lines[i], errs[i] = fmt.Sprintf("%s\t%s%04o\t%s\n", f.rel, kind, f.info.Mode().Perm(), sum), err
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	slices.Sort(lines)
	return []byte(strings.Join(lines, "")), nil
}

// fileSum is the sha256 of a regular file's contents or of a link's target.
func fileSum(path string, info fs.FileInfo) (sum, kind string, err error) {
	h := sha256.New()
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		target, err := os.Readlink(path)
		if err != nil {
			return "", "", err
		}
		io.WriteString(h, target)
		kind = "l"
	case info.Mode().IsRegular():
		f, err := os.Open(path)
		if err != nil {
			return "", "", err
		}
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", "", err
		}
		kind = "f"
	default:
		return "", "", fmt.Errorf("%s is neither a file nor a link", path)
	}
	return hex.EncodeToString(h.Sum(nil)), kind, nil
}

// checksum is "sha256:<hex>" of b.
func checksum(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// firstDifference names the first path whose line differs between two manifests, "" when
// none can be named.
func firstDifference(want, got []byte) string {
	index := func(m []byte) map[string]string {
		out := map[string]string{}
		for line := range bytes.Lines(m) {
			path, rest, _ := strings.Cut(string(line), "\t")
			out[path] = rest
		}
		return out
	}
	w, g := index(want), index(got)
	var diff []string
	for p, line := range g {
		if w[p] != line {
			diff = append(diff, p)
		}
	}
	for p := range w {
		if _, ok := g[p]; !ok {
			diff = append(diff, p)
		}
	}
	if len(diff) == 0 {
		return ""
	}
	slices.Sort(diff)
	return diff[0]
}
