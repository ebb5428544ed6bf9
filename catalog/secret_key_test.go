package catalog

import (
	"regexp"
	"strings"
	"testing"
)

// secretKeyBefore is Secret.Key as it was when it first named keychain items (commit
// f28dec0), kept word for word (with its own copy of nameJunkRE): a change to Key that gives
// any secret another answer would orphan one a catalog install stored under the old one.
func secretKeyBefore(s Secret) string {
	if s.Env != "" || s.Header == "" {
		return s.Env
	}
	key := strings.Trim(nameJunkREBefore.ReplaceAllString(strings.ToLower(s.Header), "_"), "_")
	if key == "" || key[0] >= '0' && key[0] <= '9' {
		key = "h_" + key
	}
	return strings.ToUpper(key)
}

var nameJunkREBefore = regexp.MustCompile(`[^a-z0-9]+`)

// secretKeyCases are header names where the three key-name functions (clients' envName,
// cmd/mcptray's secretKeyFor, Secret.Key) are easy to get wrong, with Key's answer.
var secretKeyCases = []struct{ header, want string }{
	{"", ""}, // no header and no variable: no name
	{"x", "X"},
	{"token", "TOKEN"},
	{"github_token", "GITHUB_TOKEN"},
	{"X-Api-Key", "X_API_KEY"},
	{"x-api-key", "X_API_KEY"},
	{"api.key", "API_KEY"},
	{"api key", "API_KEY"},
	{"a--b", "A_B"},
	{"a__b", "A_B"},
	{"a. b", "A_B"},
	{"-x-", "X"},
	{"_x", "X"},
	{"x_", "X"},
	{"_", "H_"},
	{"---", "H_"},
	{"1token", "H_1TOKEN"},
	{"9", "H_9"},
	{"-1x", "H_1X"},
	{"${GITHUB_TOKEN}", "GITHUB_TOKEN"},
	{"${secret:KEY}", "SECRET_KEY"},
	{"Bearer ${TOKEN}", "BEARER_TOKEN"},
	{"é", "H_"},
	{"café_key", "CAF_KEY"},
	{"\u017f", "H_"}, // ſ is lower case already, and no ASCII letter
	{"\u212a", "K"},  // the Kelvin sign lower-cases to k
	{"\u0130", "I"},  // İ lower-cases to i
	{"\u0131", "H_"}, // ı is lower case already, and no ASCII letter
	{"ß", "H_"},
	{"日本", "H_"},
	{"\xff", "H_"},
	{"QUERY_A", "QUERY_A"},
	{"\t\n", "H_"},
	{"x\x00y", "X_Y"},
	{strings.Repeat("x-", 5000), strings.Repeat("X_", 4999) + "X"},
}

// TestSecretKeySameAsBefore: Key still gives every tricky header the name it gave when
// catalog installs first stored secrets under its names, and a variable's secret its
// variable's name whatever the header.
func TestSecretKeySameAsBefore(t *testing.T) {
	for _, c := range secretKeyCases {
		s := Secret{Header: c.header}
		if got := s.Key(); got != c.want || secretKeyBefore(s) != c.want {
			t.Errorf("Secret{Header: %.40q}.Key() = %.40q, want %.40q (as before: %.40q)", c.header, got, c.want, secretKeyBefore(s))
		}
		s.Env = "API_TOKEN"
		if got := s.Key(); got != "API_TOKEN" {
			t.Errorf("Secret{Env: API_TOKEN, Header: %.40q}.Key() = %.40q, want API_TOKEN", c.header, got)
		}
	}
}

// FuzzKeyNameSameAsBefore: Key gives every secret the name it gave before.
func FuzzKeyNameSameAsBefore(f *testing.F) {
	for _, c := range secretKeyCases {
		if len(c.header) < 100 { // the fuzzer takes long to minimize a long input it finds interesting
			f.Add("", c.header)
			f.Add("GITHUB_TOKEN", c.header)
		}
	}
	f.Fuzz(func(t *testing.T, env, header string) {
		s := Secret{Env: env, Header: header}
		if got, want := s.Key(), secretKeyBefore(s); got != want {
			t.Errorf("Secret{Env: %q, Header: %q}.Key() = %q, before %q", env, header, got, want)
		}
	})
}
