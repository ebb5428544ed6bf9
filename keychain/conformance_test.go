package keychain

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// conformanceCases is the behaviour every Store must have. It runs against
// the memory store and against a real Secret Service, so the fake cannot
// drift from the real thing. Each case gets server names of its own that no
// earlier run used, because the real store outlives a test.
var conformanceCases = []struct {
	name string
	run  func(t *testing.T, s Store, server func(string) string)
}{
	{"get missing", func(t *testing.T, s Store, server func(string) string) {
		srv := server("a")
		_, err := s.Get(t.Context(), srv, "TOKEN")
		wantOpError(t, err, "reading", srv, "TOKEN", ErrNotFound)
	}},
	{"set then get", func(t *testing.T, s Store, server func(string) string) {
		srv := server("a")
		mustSet(t, s, srv, "TOKEN", "ghp_0123456789abcdef")
		if got := mustGet(t, s, srv, "TOKEN"); got != "ghp_0123456789abcdef" {
			t.Errorf("Get = %q, want the value just set", got)
		}
	}},
	{"overwrite", func(t *testing.T, s Store, server func(string) string) {
		srv := server("a")
		mustSet(t, s, srv, "TOKEN", "first-value")
		mustSet(t, s, srv, "TOKEN", "second-value")
		if got := mustGet(t, s, srv, "TOKEN"); got != "second-value" {
			t.Errorf("Get after overwrite = %q, want %q", got, "second-value")
		}
		items, err := s.List(t.Context(), srv, []string{"TOKEN"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]Item{{Key: "TOKEN", Set: true}}, items); diff != "" {
			t.Errorf("List after overwrite (-want +got):\n%s", diff)
		}
	}},
	{"delete", func(t *testing.T, s Store, server func(string) string) {
		srv := server("a")
		mustSet(t, s, srv, "TOKEN", "to-be-deleted")
		mustSet(t, s, srv, "OTHER", "stays")
		if err := s.Delete(t.Context(), srv, "TOKEN"); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		_, err := s.Get(t.Context(), srv, "TOKEN")
		wantOpError(t, err, "reading", srv, "TOKEN", ErrNotFound)
		err = s.Delete(t.Context(), srv, "TOKEN")
		wantOpError(t, err, "deleting", srv, "TOKEN", ErrNotFound)
		if got := mustGet(t, s, srv, "OTHER"); got != "stays" {
			t.Errorf("Get OTHER = %q after deleting TOKEN, want %q", got, "stays")
		}
	}},
	{"values round-trip", func(t *testing.T, s Store, server func(string) string) {
		srv := server("a")
		values := map[string]string{
			"UNICODE":    "pässwörd-🔑-日本語-ключ",
			"SHELL":      `it's "quoted" $HOME \n ; rm -rf / && echo ` + "`x`",
			"SPACES":     "  leading and trailing  ",
			"NEWLINES":   "-----BEGIN KEY-----\nline two\r\nline three\n",
			"TAB":        "a\tb",
			"NOT_UTF8":   "\xff\xfe\x80 raw bytes",
			"TWO_KB":     strings.Repeat("0123456789abcdef", 128),
			"TWO_KB_UTF": strings.Repeat("ü", 1024),
			"ONE":        "x",
		}
		for k, v := range values {
			mustSet(t, s, srv, k, v)
		}
		for k, want := range values {
			if got := mustGet(t, s, srv, k); got != want {
				t.Errorf("Get %s = %q, want %q", k, got, want)
			}
		}
	}},
	{"too large", func(t *testing.T, s Store, server func(string) string) {
		srv := server("a")
		// Larger than the limit of every platform.
		err := s.Set(t.Context(), srv, "BIG", strings.Repeat("x", 64<<10))
		wantOpError(t, err, "storing", srv, "BIG", ErrTooLarge)
		_, err = s.Get(t.Context(), srv, "BIG")
		wantOpError(t, err, "reading", srv, "BIG", ErrNotFound)
	}},
	{"invalid names and values", func(t *testing.T, s Store, server func(string) string) {
		srv := server("a")
		for _, c := range []struct{ server, key string }{
			{"", "TOKEN"}, {srv, ""}, {"a\nb", "TOKEN"}, {"a\x00b", "TOKEN"}, {"a\x7fb", "TOKEN"},
			{srv, "1TOKEN"}, {srv, "MY-TOKEN"}, {srv, "A/B"}, {srv, "A B"}, {srv, "TÖKEN"},
			{strings.Repeat("s", maxNameBytes+1), "TOKEN"}, {srv, strings.Repeat("K", maxNameBytes+1)},
		} {
			_, err := s.Get(t.Context(), c.server, c.key)
			wantOpError(t, err, "reading", c.server, c.key, ErrInvalidName)
			err = s.Set(t.Context(), c.server, c.key, "some-value")
			wantOpError(t, err, "storing", c.server, c.key, ErrInvalidName)
			err = s.Delete(t.Context(), c.server, c.key)
			wantOpError(t, err, "deleting", c.server, c.key, ErrInvalidName)
		}
		for _, v := range []string{"", "a\x00b"} {
			err := s.Set(t.Context(), srv, "TOKEN", v)
			wantOpError(t, err, "storing", srv, "TOKEN", ErrInvalidValue)
		}
	}},
	{"names", func(t *testing.T, s Store, server func(string) string) {
		// Server names may hold spaces, slashes and any script; the same
		// key of different servers is a different item.
		a, b := server("my server/α"), server("b")
		mustSet(t, s, a, "_KEY_1", "value of a")
		mustSet(t, s, b, "_KEY_1", "value of b")
		if got := mustGet(t, s, a, "_KEY_1"); got != "value of a" {
			t.Errorf("Get from %q = %q, want %q", a, got, "value of a")
		}
		if got := mustGet(t, s, b, "_KEY_1"); got != "value of b" {
			t.Errorf("Get from %q = %q, want %q", b, got, "value of b")
		}
	}},
	{"list", func(t *testing.T, s Store, server func(string) string) {
		srv := server("a")
		mustSet(t, s, srv, "A", "value-a")
		mustSet(t, s, srv, "C", "value-c")
		mustSet(t, s, server("other"), "B", "value-b-elsewhere")
		items, err := s.List(t.Context(), srv, []string{"C", "B", "A"})
		if err != nil {
			t.Fatal(err)
		}
		want := []Item{{Key: "C", Set: true}, {Key: "B", Set: false}, {Key: "A", Set: true}}
		if diff := cmp.Diff(want, items); diff != "" {
			t.Errorf("List (-want +got):\n%s", diff)
		}
		_, err = s.List(t.Context(), srv, []string{"A", "not-a-key"})
		wantOpError(t, err, "reading", srv, "not-a-key", ErrInvalidName)
	}},
	{"get all", func(t *testing.T, s Store, server func(string) string) {
		srv := server("a")
		mustSet(t, s, srv, "A", "value-a")
		mustSet(t, s, srv, "C", "value-c")
		got, err := GetAll(t.Context(), s, srv, []string{"A", "B", "C", "D"})
		if diff := cmp.Diff(map[string]string{"A": "value-a", "C": "value-c"}, got); diff != "" {
			t.Errorf("GetAll values (-want +got):\n%s", diff)
		}
		var missing *MissingError
		if !errors.As(err, &missing) || !errors.Is(err, ErrNotFound) {
			t.Fatalf("GetAll error = %v, want a *MissingError that is ErrNotFound", err)
		}
		if diff := cmp.Diff(&MissingError{Server: srv, Keys: []string{"B", "D"}}, missing); diff != "" {
			t.Errorf("GetAll error (-want +got):\n%s", diff)
		}
		mustSet(t, s, srv, "B", "value-b")
		mustSet(t, s, srv, "D", "value-d")
		got, err = GetAll(t.Context(), s, srv, []string{"A", "B", "C", "D"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]string{"A": "value-a", "B": "value-b", "C": "value-c", "D": "value-d"}, got); diff != "" {
			t.Errorf("GetAll values (-want +got):\n%s", diff)
		}
	}},
	{"many servers", func(t *testing.T, s Store, server func(string) string) {
		const servers = 50
		keys := []string{"API_KEY", "API_SECRET", "REGION"}
		names := make([]string, servers)
		for i := range names {
			names[i] = server(fmt.Sprintf("s%02d", i))
			for _, k := range keys {
				mustSet(t, s, names[i], k, fmt.Sprintf("%s-of-%s", k, names[i]))
			}
		}
		for _, srv := range names {
			got, err := GetAll(t.Context(), s, srv, keys)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for _, k := range keys {
				want[k] = fmt.Sprintf("%s-of-%s", k, srv)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("GetAll(%s) (-want +got):\n%s", srv, diff)
			}
		}
		for _, srv := range names {
			for _, k := range keys {
				if err := s.Delete(t.Context(), srv, k); err != nil {
					t.Fatal(err)
				}
			}
		}
		items, err := s.List(t.Context(), names[0], keys)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]Item{{"API_KEY", false}, {"API_SECRET", false}, {"REGION", false}}, items); diff != "" {
			t.Errorf("List after deleting everything (-want +got):\n%s", diff)
		}
	}},
	{"cancelled context", func(t *testing.T, s Store, server func(string) string) {
		srv := server("a")
		mustSet(t, s, srv, "TOKEN", "some-value")
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := s.Get(ctx, srv, "TOKEN")
		wantOpError(t, err, "reading", srv, "TOKEN", context.Canceled)
		err = s.Set(ctx, srv, "TOKEN", "other-value")
		wantOpError(t, err, "storing", srv, "TOKEN", context.Canceled)
		ctx, cancel = context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
		defer cancel()
		err = s.Delete(ctx, srv, "TOKEN")
		wantOpError(t, err, "deleting", srv, "TOKEN", ErrTimeout)
		if got := mustGet(t, s, srv, "TOKEN"); got != "some-value" {
			t.Errorf("Get = %q after cancelled calls, want the value unchanged", got)
		}
	}},
}

// runConformance runs every conformance case against s.
func runConformance(t *testing.T, s Store) {
	for _, c := range conformanceCases {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, s, uniqueServer())
		})
	}
}

var serverSeq atomic.Int64

// uniqueServer returns a function making server names no earlier run used.
func uniqueServer() func(string) string {
	run := fmt.Sprintf("t%d-%d", time.Now().UnixNano(), serverSeq.Add(1))
	return func(name string) string { return name + "-" + run }
}

func TestMemoryConformance(t *testing.T) {
	runConformance(t, NewMemory())
}

func TestSystemConformance(t *testing.T) {
	runConformance(t, secretService(t))
}

func mustSet(t testing.TB, s Store, server, key, value string) {
	t.Helper()
	if err := s.Set(context.Background(), server, key, value); err != nil {
		t.Fatalf("Set(%q, %q): %v", server, key, err)
	}
}

func mustGet(t testing.TB, s Store, server, key string) string {
	t.Helper()
	v, err := s.Get(context.Background(), server, key)
	if err != nil {
		t.Fatalf("Get(%q, %q): %v", server, key, err)
	}
	return v
}

// wantOpError fails unless err is an *OpError for op on server and key that
// errors.Is want, and whose text ends with want's sentence.
func wantOpError(t *testing.T, err error, op, server, key string, want error) {
	t.Helper()
	var oe *OpError
	if !errors.As(err, &oe) {
		t.Errorf("error = %v (%T), want an *OpError", err, err)
		return
	}
	if oe.Op != op || oe.Server != server || oe.Key != key {
		t.Errorf("error is about %s %q of %q, want %s %q of %q", oe.Op, oe.Key, oe.Server, op, key, server)
	}
	if !errors.Is(err, want) {
		t.Errorf("error = %v, want it to be %v", err, want)
	}
	if !strings.HasSuffix(err.Error(), want.Error()) {
		t.Errorf("error text %q does not end with the sentence %q", err, want)
	}
}
