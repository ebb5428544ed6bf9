package keychain

import (
	"strings"
	"testing"
)

// tooLargeCases are the sizes every platform must agree on; the exact limits
// are tested in the per-platform files.
var tooLargeCases = []struct {
	size int
	want bool
}{
	{1, false}, {2048, false}, {2560, false}, {64 << 10, true},
}

func TestTooLarge(t *testing.T) {
	cases := append(tooLargeCases, platformTooLargeCases...)
	for _, c := range cases {
		if got := tooLarge(user("a-server", "A_KEY"), strings.Repeat("x", c.size)); got != c.want {
			t.Errorf("tooLarge(%d bytes) = %v, want %v", c.size, got, c.want)
		}
	}
}
