package catalog

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	// semverRE is the official Semantic Versioning 2.0.0 pattern: what npm accepts as an exact
	// version. "1.2" or "^1.2.3" are ranges to npm and do not match.
	semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)` +
		`(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?` +
		`(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

	// pep440RE is a PEP 440 public version (with optional local part): what pip and uv accept
	// after "==" as one exact release. Wildcards and operators do not match.
	pep440RE = regexp.MustCompile(`(?i)^(\d+!)?\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(\+[a-z0-9]+(\.[a-z0-9]+)*)?$`)

	// rangeMarkRE finds what makes a version string a range or a moving target.
	rangeMarkRE = regexp.MustCompile(`[\^~<>=*|, ]|(^|\.)[xX](\.|$)`)

	// imageTagRE is a valid OCI tag.
	imageTagRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	digestRE   = regexp.MustCompile(`^sha256:[a-f0-9]{64}$`)
)

// isExactVersion reports whether v names one release of a server (top-level version):
// not empty, not "latest", not a range such as "^1.2", "1.x" or ">=2".
func isExactVersion(v string) bool {
	return v != "" && !strings.EqualFold(v, "latest") && !rangeMarkRE.MatchString(v)
}

// isExactPackageVersion applies the package registry's own idea of an exact version.
func isExactPackageVersion(registryType, v string) bool {
	switch registryType {
	case RegistryNPM:
		return semverRE.MatchString(v)
	case RegistryPyPI:
		return pep440RE.MatchString(v)
	case RegistryOCI:
		return isPinnedTag(v)
	}
	return false
}

// isPinnedTag reports whether an image tag plausibly names one build: a valid tag that is not
// "latest" and contains a digit ("1.5.1", "v0.31.0"), so moving tags such as "main", "edge"
// or "stable" are refused.
func isPinnedTag(tag string) bool {
	return imageTagRE.MatchString(tag) && !strings.EqualFold(tag, "latest") &&
		strings.ContainsAny(tag, "0123456789")
}

// imageRef is a parsed OCI image reference: name[:tag][@digest].
type imageRef struct {
	Name, Tag, Digest string
}

func parseImageRef(s string) imageRef {
	var r imageRef
	if i := strings.IndexByte(s, '@'); i >= 0 {
		s, r.Digest = s[:i], s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i > strings.LastIndexByte(s, '/') {
		s, r.Tag = s[:i], s[i+1:]
	}
	r.Name = s
	return r
}

// String reassembles the reference in the form docker accepts.
func (r imageRef) String() string {
	s := r.Name
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest
	}
	return s
}

// CompareVersions compares two version strings the way semantic versioning orders them and
// returns -1, 0 or +1. It accepts a leading "v", any number of numeric parts ("2026.8.31",
// "1.2", "1.2.3.4"), pre-release suffixes ("1.0.0-rc.1" sorts before "1.0.0") and ignores
// build metadata. It returns an error when either side is not such a version, for example a
// PEP 440 "1.0rc1" or a date-less tag like "edge".
func CompareVersions(a, b string) (int, error) {
	va, err := parseVersion(a)
	if err != nil {
		return 0, err
	}
	vb, err := parseVersion(b)
	if err != nil {
		return 0, err
	}
	return va.compare(vb), nil
}

type version struct {
	nums []uint64
	pre  []string
}

func parseVersion(s string) (version, error) {
	orig := s
	s = strings.TrimPrefix(strings.TrimPrefix(s, "v"), "V")
	s, _, _ = strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(s, "-")
	var v version
	for part := range strings.SplitSeq(core, ".") {
		n, err := strconv.ParseUint(part, 10, 64)
		if err != nil {
			return version{}, fmt.Errorf("%q is not a version MCP Tray can compare", orig)
		}
		v.nums = append(v.nums, n)
	}
	if hasPre {
		if pre == "" {
			return version{}, fmt.Errorf("%q is not a version MCP Tray can compare", orig)
		}
		v.pre = strings.Split(pre, ".")
	}
	return v, nil
}

func (v version) compare(o version) int {
	for i := range max(len(v.nums), len(o.nums)) {
		a, b := at(v.nums, i), at(o.nums, i)
		if a != b {
			return cmpInt(a < b)
		}
	}
	// A release sorts after its pre-releases.
	switch {
	case len(v.pre) == 0 && len(o.pre) == 0:
		return 0
	case len(v.pre) == 0:
		return 1
	case len(o.pre) == 0:
		return -1
	}
	for i := range min(len(v.pre), len(o.pre)) {
		if c := comparePreIdent(v.pre[i], o.pre[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(v.pre) < len(o.pre):
		return -1
	case len(v.pre) > len(o.pre):
		return 1
	}
	return 0
}

// comparePreIdent orders pre-release identifiers: numbers numerically and before words.
func comparePreIdent(a, b string) int {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		if na == nb {
			return 0
		}
		return cmpInt(na < nb)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

func at(nums []uint64, i int) uint64 {
	if i < len(nums) {
		return nums[i]
	}
	return 0
}

func cmpInt(less bool) int {
	if less {
		return -1
	}
	return 1
}
