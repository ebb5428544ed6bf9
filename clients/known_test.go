package clients

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestKnownIDs(t *testing.T) {
	got, err := KnownIDs([]string{"cursor", "claude-desktop", "cursor"})
	if err != nil || !slices.Equal(got, []string{"cursor", "claude-desktop"}) {
		t.Fatalf("KnownIDs = %v, %v; want the two ids once each, in order", got, err)
	}
	_, err = KnownIDs([]string{"cursor", "no-such-app"})
	if !errors.Is(err, ErrUnknownClient) {
		t.Fatalf("error %v: want ErrUnknownClient", err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, `"no-such-app" is not an AI app MCP Tray knows; use one of: `) || !strings.Contains(msg, "claude-desktop") {
		t.Fatalf("error %q: want the unknown id and the known ones", msg)
	}
	if c, err := Known("cursor"); err != nil || c.ID() != "cursor" {
		t.Fatalf("Known(cursor) = %v, %v", c, err)
	}
}
