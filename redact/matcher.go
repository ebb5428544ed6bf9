package redact

import (
	"cmp"
	"maps"
	"slices"
)

// matcher finds all patterns in one pass. Every pattern is at least two bytes
// long, so a bitset of the byte pairs patterns start with rules out almost
// every position of ordinary text with one lookup; only at the rare positions
// that pass are the patterns starting with that pair compared, longest first.
// A matcher is immutable once built.
type matcher struct {
	patterns []pattern
	pairs    [1 << 16 / 64]uint64 // bit p is set when a pattern starts with the pair p
	byPair   map[uint16][]int32   // indices into patterns, longest first
	maxLen   int                  // length of the longest pattern
}

type pattern struct {
	text   string
	marker string
}

// span is a stretch of input to replace by marker.
type span struct {
	start, end int
	marker     string
}

// compile builds the matcher for secrets. Keys are taken in sorted order, so
// when two secrets share a pattern the result does not depend on map order.
func compile(secrets map[string]string) *matcher {
	m := &matcher{byPair: make(map[uint16][]int32)}
	seen := make(map[string]bool)
	for _, key := range slices.Sorted(maps.Keys(secrets)) {
		marker := Marker(key)
		for _, text := range variants(secrets[key]) {
			if seen[text] {
				continue
			}
			seen[text] = true
			m.patterns = append(m.patterns, pattern{text: text, marker: marker})
		}
	}
	for i, p := range m.patterns {
		pair := pairAt(p.text, 0)
		m.pairs[pair/64] |= 1 << (pair % 64)
		m.byPair[pair] = append(m.byPair[pair], int32(i))
		m.maxLen = max(m.maxLen, len(p.text))
	}
	for _, idx := range m.byPair {
		slices.SortStableFunc(idx, func(a, b int32) int {
			return cmp.Compare(len(m.patterns[b].text), len(m.patterns[a].text))
		})
	}
	return m
}

func pairAt[T string | []byte](s T, i int) uint16 {
	return uint16(s[i])<<8 | uint16(s[i+1])
}

// scan appends to spans the stretches of s covered by patterns, in order.
// Overlapping occurrences are merged into one span carrying the marker of
// the first; spans that merely touch stay separate.
func scan[T string | []byte](m *matcher, s T, spans []span) []span {
	for i := 0; i+1 < len(s); i++ {
		pair := pairAt(s, i)
		if m.pairs[pair/64]&(1<<(pair%64)) == 0 {
			continue
		}
		for _, idx := range m.byPair[pair] {
			p := &m.patterns[idx]
			end := i + len(p.text)
			if end > len(s) || string(s[i:end]) != p.text {
				continue
			}
			if n := len(spans); n > 0 && i < spans[n-1].end {
				spans[n-1].end = max(spans[n-1].end, end)
			} else {
				spans = append(spans, span{start: i, end: end, marker: p.marker})
			}
			break // the longest pattern at i; shorter ones end inside it
		}
	}
	return spans
}
