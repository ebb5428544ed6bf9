package main

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// secretKeyForBefore is secretKeyFor as it was when it first named keychain items (commit
// f28dec0), kept word for word: a change to secretKeyFor that gives any input another answer
// would orphan a secret `server add --url` stored under the old one.
func secretKeyForBefore(prefix, name string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, r := range strings.ToUpper(name) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	key := b.String()
	if key == "" || (key[0] >= '0' && key[0] <= '9') {
		key = "H_" + key
	}
	return key
}

// secretKeyForCases are inputs where the three key-name functions (clients' envName,
// secretKeyFor, catalog's Secret.Key) are easy to get wrong, with secretKeyFor's answer for a
// header (no prefix) and for a query parameter (prefix QUERY_).
var secretKeyForCases = []struct{ in, header, query string }{
	{"", "H_", "QUERY_"},
	{"x", "X", "QUERY_X"},
	{"token", "TOKEN", "QUERY_TOKEN"},
	{"github_token", "GITHUB_TOKEN", "QUERY_GITHUB_TOKEN"},
	{"X-Api-Key", "X_API_KEY", "QUERY_X_API_KEY"},
	{"x-api-key", "X_API_KEY", "QUERY_X_API_KEY"},
	{"api.key", "API_KEY", "QUERY_API_KEY"},
	{"api key", "API_KEY", "QUERY_API_KEY"},
	{"a--b", "A__B", "QUERY_A__B"},
	{"a__b", "A__B", "QUERY_A__B"},
	{"a. b", "A__B", "QUERY_A__B"},
	{"-x-", "_X_", "QUERY__X_"},
	{"_x", "_X", "QUERY__X"},
	{"x_", "X_", "QUERY_X_"},
	{"_", "_", "QUERY__"},
	{"---", "___", "QUERY____"},
	{"1token", "H_1TOKEN", "QUERY_1TOKEN"},
	{"9", "H_9", "QUERY_9"},
	{"-1x", "_1X", "QUERY__1X"},
	{"${GITHUB_TOKEN}", "__GITHUB_TOKEN_", "QUERY___GITHUB_TOKEN_"},
	{"${secret:KEY}", "__SECRET_KEY_", "QUERY___SECRET_KEY_"},
	{"Bearer ${TOKEN}", "BEARER___TOKEN_", "QUERY_BEARER___TOKEN_"},
	{"é", "_", "QUERY__"},
	{"café_key", "CAF__KEY", "QUERY_CAF__KEY"},
	{"\u017f", "S", "QUERY_S"}, // ſ upper-cases to S
	{"\u212a", "_", "QUERY__"}, // the Kelvin sign is no ASCII letter
	{"\u0130", "_", "QUERY__"}, // İ
	{"\u0131", "I", "QUERY_I"}, // ı upper-cases to I
	{"ß", "_", "QUERY__"},
	{"日本", "__", "QUERY___"},
	{"\xff", "_", "QUERY__"},
	{"QUERY_A", "QUERY_A", "QUERY_QUERY_A"},
	{"\t\n", "__", "QUERY___"},
	{"x\x00y", "X_Y", "QUERY_X_Y"},
	{strings.Repeat("x-", 5000), strings.Repeat("X_", 5000), "QUERY_" + strings.Repeat("X_", 5000)},
}

// TestSecretKeyForSameAsBefore: secretKeyFor still gives every tricky header and query name
// the answer it gave when `server add --url` first stored secrets under its answers.
func TestSecretKeyForSameAsBefore(t *testing.T) {
	for _, c := range secretKeyForCases {
		for _, p := range []struct{ prefix, want string }{{"", c.header}, {"QUERY_", c.query}} {
			if got := secretKeyFor(p.prefix, c.in); got != p.want || secretKeyForBefore(p.prefix, c.in) != p.want {
				t.Errorf("secretKeyFor(%q, %.40q) = %.40q, want %.40q (as before: %.40q)", p.prefix, c.in, got, p.want, secretKeyForBefore(p.prefix, c.in))
			}
		}
	}
}

// TestKeyNameSameAsBeforeOnRandomNames: secretKeyFor gives random prefixes and names, drawn
// from characters its rule treats differently, the answer it gave before. (Not a fuzz target:
// this package's TestMain builds the binaries, which every fuzz worker would do again.)
func TestKeyNameSameAsBeforeOnRandomNames(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("aZ09_-. $/{}\u017f\u0131\u0130\u212a\u00e9\u00df\u65e5")
	word := func() string {
		r := make([]rune, rng.IntN(12))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	for range 200_000 {
		prefix, name := word(), word()
		if got, want := secretKeyFor(prefix, name), secretKeyForBefore(prefix, name); got != want {
			t.Fatalf("secretKeyFor(%q, %q) = %q, before %q", prefix, name, got, want)
		}
	}
}
