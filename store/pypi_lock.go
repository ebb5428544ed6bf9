package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// pypiNameRE is a valid Python distribution name (PEP 508); pypiVersionRE the characters a
// version may hold. Both keep anything that could read as an option out of the lock.
var (
	pypiNameRE    = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$`)
	pypiVersionRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.+!_-]*$`)
	sha256HexRE   = regexp.MustCompile(`^[0-9a-f]{64}$`)
	normalizeRE   = regexp.MustCompile(`[-_.]+`)
)

// normalizeName is a distribution name as PEP 503 compares it.
func normalizeName(n string) string { return strings.ToLower(normalizeRE.ReplaceAllString(n, "-")) }

// lockFromReport turns pip's installation report (pip install --dry-run --report) into the
// lock: the index, then "name==version --hash=sha256:…" for every file pip would install,
// sorted by name. It fails when a file has no sha256, when something is not a downloaded
// archive (a folder or a version-control checkout cannot be locked), or when the package
// itself is not among them at the version asked.
func lockFromReport(report []byte, p Package, index string) ([]byte, error) {
	var doc struct {
		Install []struct {
			Metadata struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"metadata"`
			DownloadInfo struct {
				URL         string `json:"url"`
				ArchiveInfo *struct {
					Hash   string            `json:"hash"`
					Hashes map[string]string `json:"hashes"`
				} `json:"archive_info"`
			} `json:"download_info"`
		} `json:"install"`
	}
	if err := json.Unmarshal(report, &doc); err != nil {
		return nil, fmt.Errorf("pip's report of what %s needs could not be read: %w", p.Name, err)
	}
	var lines []string
	top := false
	for _, it := range doc.Install {
		name, version := it.Metadata.Name, it.Metadata.Version
		if !pypiNameRE.MatchString(name) || !pypiVersionRE.MatchString(version) {
			return nil, fmt.Errorf("pip named a package MCP Tray cannot record (%q %q)", name, version)
		}
		a := it.DownloadInfo.ArchiveInfo
		if a == nil {
			return nil, fmt.Errorf("%s==%s does not come from the index as a file, so MCP Tray cannot lock it", name, version)
		}
		sum := a.Hashes["sha256"]
		if sum == "" {
			sum, _ = strings.CutPrefix(a.Hash, "sha256=")
		}
		if !sha256HexRE.MatchString(sum) {
			return nil, fmt.Errorf("the index gave no sha256 checksum for %s==%s, so MCP Tray cannot lock it", name, version)
		}
		if normalizeName(name) == normalizeName(p.Name) {
			if version != p.Version {
				return nil, fmt.Errorf("pip chose %s==%s instead of version %s", name, version, p.Version)
			}
			top = true
		}
		lines = append(lines, fmt.Sprintf("%s==%s --hash=sha256:%s\n", normalizeName(name), version, sum))
	}
	if !top {
		return nil, fmt.Errorf("pip did not resolve %s==%s", p.Name, p.Version)
	}
	slices.Sort(lines)
	return []byte("--index-url " + index + "\n" + strings.Join(lines, "")), nil
}

// relocateVenv makes the files in a virtual environment's bin folder (the console scripts'
// first line, the activate scripts) and its pyvenv.cfg name the folder it is moved to
// instead of the one it was built in. Links are left as they are.
func relocateVenv(built, final string) error {
	files, _ := filepath.Glob(filepath.Join(built, venvBin(), "*"))
	files = append(files, filepath.Join(built, "pyvenv.cfg"))
	for _, f := range files {
		fi, err := os.Lstat(f)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if !bytes.Contains(b, []byte(built)) {
			continue
		}
		b = bytes.ReplaceAll(b, []byte(built), []byte(final))
		if err := os.WriteFile(f, b, fi.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

// pipReason picks what pip or uv said was wrong from its output.
func pipReason(out string) string {
	var why []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "ERROR: "); ok {
			why = append(why, rest)
		} else if rest, ok := strings.CutPrefix(line, "error: "); ok {
			why = append(why, rest)
		}
	}
	if len(why) == 0 {
		return lastLines(out, 3)
	}
	if len(why) > 3 {
		why = why[:3]
	}
	return strings.Join(why, " / ")
}
