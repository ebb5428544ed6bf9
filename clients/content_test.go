package clients

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// content's methods say what the same operations say on the joined bytes, however the bytes
// are split into parts (empty parts included).
func TestContentMatchesItsBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		whole := make([]byte, r.IntN(40))
		for i := range whole {
			whole[i] = byte('a' + r.IntN(3))
		}
		var c content
		for rest := whole; ; {
			n := r.IntN(len(rest) + 2)
			n = min(n, len(rest))
			c = append(c, rest[:n])
			rest = rest[n:]
			if len(rest) == 0 {
				break
			}
		}
		if !bytes.Equal(c.join(), whole) || c.len() != len(whole) || !c.equal(whole) {
			t.Fatalf("%q as %q: join %q, len %d", whole, c, c.join(), c.len())
		}
		from := r.IntN(len(whole) + 1)
		to := from + r.IntN(len(whole)-from+1)
		if got := c.slice(from, to); !bytes.Equal(got, whole[from:to]) {
			t.Fatalf("%q as %q: slice(%d, %d) = %q", whole, c, from, to, got)
		}
		if got := c.cut(from).join(); !bytes.Equal(got, whole[from:]) {
			t.Fatalf("%q as %q: cut(%d) = %q", whole, c, from, got)
		}
		want := whole[from:to]
		if r.IntN(2) == 0 && len(want) > 0 {
			want = append([]byte{}, want...)
			want[r.IntN(len(want))] = 'z'
		}
		if got, exp := c.equalAt(from, want), bytes.Equal(whole[from:min(len(whole), from+len(want))], want); got != exp {
			t.Fatalf("%q as %q: equalAt(%d, %q) = %v", whole, c, from, want, got)
		}
		if c.equal(append(append([]byte{}, whole...), 'x')) {
			t.Fatalf("%q as %q: equal to a longer slice", whole, c)
		}
	}
}
