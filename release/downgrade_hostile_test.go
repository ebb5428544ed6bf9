package release

import (
	"context"
	"errors"
	"testing"
)

// An update server replays an old signed pre-release to a copy running a later one: rc.9
// after rc.10. Compared as text, "rc.9" sorts after "rc.10", so the older signed programs
// were offered and swapped in (a downgrade to a release with known holes). Pre-release
// numbers compare as numbers, as semantic versioning orders them.
func TestOlderSignedPreReleaseIsNotOffered(t *testing.T) {
	installed := map[string][]byte{"mcptray": []byte("mcptray rc.10")}
	o := newOrigin(t)
	o.publish(t, "0.2.0-rc.9", here(), map[string][]byte{"mcptray": []byte("mcptray rc.9")})
	dir := installFolder(t, installed)
	c := o.checker("0.2.0-rc.10")
	offer, err := c.Check(context.Background())
	if err == nil {
		err = c.Apply(context.Background(), offer, dir)
	}
	if !errors.Is(err, ErrNotNewer) {
		t.Fatalf("a replayed older pre-release: %v (offer %+v)", err, offer)
	}
	unchanged(t, dir, installed)
}

func TestNewerPreReleases(t *testing.T) {
	cases := []struct {
		a, b      string
		newer, ok bool
	}{
		{"1.0.0-rc.9", "1.0.0-rc.10", false, true},
		{"1.0.0-rc.10", "1.0.0-rc.9", true, true},
		{"1.0.0-beta.11", "1.0.0-beta.2", true, true},
		{"1.0.0-alpha", "1.0.0-alpha.1", false, true},
		{"1.0.0-alpha.1", "1.0.0-alpha", true, true},
		{"1.0.0-alpha.beta", "1.0.0-alpha.1", true, true},
		{"1.0.0-rc.1", "1.0.0-beta.11", true, true},
		{"1.0.0-", "0.9.0", false, false},
		{"1.0.0-rc..1", "0.9.0", false, false},
	}
	for _, tc := range cases {
		if newer, ok := Newer(tc.a, tc.b); newer != tc.newer || ok != tc.ok {
			t.Errorf("Newer(%q, %q) = %v, %v; want %v, %v", tc.a, tc.b, newer, ok, tc.newer, tc.ok)
		}
	}
}
