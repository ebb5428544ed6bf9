package release

import (
	"strconv"
	"strings"
)

// Newer reports whether version a is strictly newer than b. Versions are MAJOR.MINOR.PATCH
// with an optional leading "v" and an optional "-pre" suffix (a pre-release sorts before its
// release; two pre-releases compare as strings). ok is false when either is not a version
// (for example "dev"), and then nothing is newer.
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
	return pa.pre > pb.pre, true
}

type parsedVersion struct {
	n   [3]int
	pre string
}

func parseVersion(s string) (parsedVersion, bool) {
	var v parsedVersion
	s = strings.TrimPrefix(s, "v")
	s, v.pre, _ = strings.Cut(s, "-")
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
