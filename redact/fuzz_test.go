package redact

import (
	"cmp"
	"encoding/base64"
	"maps"
	"slices"
	"strings"
	"testing"
)

// FuzzRedact puts two secrets, and the base64 form of the first, into
// arbitrary text and checks that
//   - no secret (of at least MinLen characters) survives: between the markers
//     of the output, nothing holds a secret or its base64 form;
//   - Redact agrees with a slow reference that finds every occurrence of every
//     pattern with strings.Index;
//   - a Writer fed the text in arbitrary chunks writes the same as redacting
//     it line by line.
//
// Seeds are in testdata/fuzz/FuzzRedact.
func FuzzRedact(f *testing.F) {
	f.Fuzz(func(t *testing.T, a, b, text string, posA, posB uint16, chunk uint8) {
		input := insert(text, a, int(posA))
		input = insert(input, b, int(posB))
		input += " " + base64.StdEncoding.EncodeToString([]byte(a))
		secrets := map[string]string{"A": a, "B": b}
		r := New(secrets)
		out := r.RedactString(input)

		parts := []string{out}
		for _, marker := range []string{Marker("A"), Marker("B")} {
			var next []string
			for _, p := range parts {
				next = append(next, strings.Split(p, marker)...)
			}
			parts = next
		}
		var mustGo []string // what must not survive: secrets long enough to be patterns
		if longEnough(a) {
			mustGo = append(mustGo, a, base64.StdEncoding.EncodeToString([]byte(a)))
		}
		if longEnough(b) {
			mustGo = append(mustGo, b)
		}
		for _, secret := range mustGo {
			for _, p := range parts {
				if strings.Contains(p, secret) {
					t.Fatalf("secret %q survived in %q", secret, out)
				}
			}
		}

		if want := referenceRedact(secrets, input); out != want {
			t.Fatalf("RedactString(%q)\n got %q\nwant %q", input, out, want)
		}
		if got := string(r.Redact([]byte(input))); got != out {
			t.Fatalf("Redact and RedactString differ:\n%q\n%q", got, out)
		}

		var lines strings.Builder
		for line := range strings.Lines(input) {
			lines.WriteString(r.RedactString(line))
		}
		rec := &recorder{}
		w := NewWriter(rec, r)
		writeInChunks(t, w, input, int(chunk)+1)
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := rec.all(); got != lines.String() {
			t.Fatalf("Writer with chunks of %d:\n got %q\nwant %q", int(chunk)+1, got, lines.String())
		}
	})
}

// insert puts s into text at pos (modulo the length of text).
func insert(text, s string, pos int) string {
	pos %= len(text) + 1
	return text[:pos] + s + text[pos:]
}

// referenceRedact is Redact done slowly and obviously: every occurrence of
// every pattern, overlapping occurrences merged, each merged stretch named
// after the longest pattern at its start.
func referenceRedact(secrets map[string]string, s string) string {
	type occurrence struct {
		start, end int
		marker     string
	}
	var occ []occurrence
	seen := map[string]bool{}
	for _, key := range slices.Sorted(maps.Keys(secrets)) {
		for _, p := range variants(secrets[key]) {
			if seen[p] {
				continue
			}
			seen[p] = true
			for i := 0; i+len(p) <= len(s); i++ {
				if strings.HasPrefix(s[i:], p) {
					occ = append(occ, occurrence{i, i + len(p), Marker(key)})
				}
			}
		}
	}
	slices.SortStableFunc(occ, func(x, y occurrence) int {
		return cmp.Or(cmp.Compare(x.start, y.start), cmp.Compare(y.end, x.end))
	})
	var b strings.Builder
	last, end := 0, -1
	for _, o := range occ {
		if o.start < end {
			end = max(end, o.end)
			continue
		}
		if end >= 0 {
			last = end
		}
		b.WriteString(s[last:o.start])
		b.WriteString(o.marker)
		end = o.end
	}
	if end >= 0 {
		last = end
	}
	b.WriteString(s[last:])
	return b.String()
}
