package testbin

import (
	"testing"

	"github.com/mcptray/mcptray/catalog"
)

// Pinned is the exact version the built-in catalog installs for id; it fails t when the
// catalog has no such entry.
func Pinned(t testing.TB, id string) string {
	t.Helper()
	c, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	e, ok := c.Lookup(id)
	if !ok {
		t.Fatalf("the built-in catalog has no %q", id)
	}
	return e.Version()
}
