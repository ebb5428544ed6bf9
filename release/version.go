package release

import (
	"slices"
	"strconv"
	"strings"
)

// Newer reports whether version a is strictly newer than b. Versions are MAJOR.MINOR.PATCH
// with an optional leading "v" and an optional "-pre" suffix (a pre-release sorts before its
// release; two pre-releases compare as semantic versioning orders them, dot-separated parts
// one by one, numbers as numbers and before words: rc.10 is newer than rc.9, which a text
// comparison gets backwards, offering an old signed release as an update). ok is false when
// either is not a version (for example "dev"), and then nothing is newer.
func Newer(a, b string) (newer, ok bool) {
	pa, okA := parseVersion(a)
	pb, okB := parseVersion(b)
	if !okA || !okB {
		return false, false
	}
	for i := 0; i < 3; i++ {
		if pa.n[i] != pb.n[i] {
			return pa.n[i] > pb.n[i], true
		}
	}
	switch {
	case pa.pre == pb.pre:
		return false, true
	case pa.pre == "":
		return true, true
	case pb.pre == "":
		return false, true
	}
	return comparePre(pa.pre, pb.pre) > 0, true
}

// comparePre orders two pre-release suffixes as semantic versioning does.
func comparePre(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := range min(len(pa), len(pb)) {
		na, errA := strconv.ParseUint(pa[i], 10, 64)
		nb, errB := strconv.ParseUint(pb[i], 10, 64)
		switch {
		case errA == nil && errB == nil && na != nb:
			if na > nb {
				return 1
			}
			return -1
		case errA == nil && errB != nil:
			return -1
		case errA != nil && errB == nil:
			return 1
		case errA != nil && errB != nil && pa[i] != pb[i]:
			return strings.Compare(pa[i], pb[i])
		}
	}
	return len(pa) - len(pb)
}

type parsedVersion struct {
	n   [3]int
	pre string
}

func parseVersion(s string) (parsedVersion, bool) {
	var v parsedVersion
	s = strings.TrimPrefix(s, "v")
	var hasPre bool
	s, v.pre, hasPre = strings.Cut(s, "-")
	if hasPre && slices.Contains(strings.Split(v.pre, "."), "") {
		return v, false // "1.0.0-" or "1.0.0-rc..1"
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || p == "" || (len(p) > 1 && p[0] == '0') {
			return v, false
		}
		v.n[i] = n
	}
	return v, true
}
