package clients

import (
	"strings"
	"testing"
	"unicode"
)

// envNameBefore is envName as it was when it first named keychain items (commit f28dec0),
// kept word for word: a change to envName that gives any input another answer would orphan a
// secret an import stored under the old one.
func envNameBefore(name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), "_")
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		s = "SECRET_" + s
	}
	return s
}

// envNameCases are inputs where the three key-name functions (envName, cmd/mcptray's
// secretKeyFor, catalog's Secret.Key) are easy to get wrong, with envName's answer.
var envNameCases = []struct{ in, want string }{
	{"", "SECRET_"},
	{"x", "X"},
	{"token", "TOKEN"},
	{"github_token", "GITHUB_TOKEN"},
	{"X-Api-Key", "X_API_KEY"},
	{"x-api-key", "X_API_KEY"},
	{"api.key", "API_KEY"},
	{"api key", "API_KEY"},
	{"a--b", "A__B"},
	{"a__b", "A__B"},
	{"a. b", "A__B"},
	{"-x-", "X"},
	{"_x", "X"},
	{"x_", "X"},
	{"_", "SECRET_"},
	{"---", "SECRET_"},
	{"1token", "SECRET_1TOKEN"},
	{"9", "SECRET_9"},
	{"-1x", "SECRET_1X"},
	{"${GITHUB_TOKEN}", "GITHUB_TOKEN"},
	{"${secret:KEY}", "SECRET_KEY"},
	{"Bearer ${TOKEN}", "BEARER___TOKEN"},
	{"é", "SECRET_"},
	{"café_key", "CAF__KEY"},
	{"\u017f", "S"},       // ſ upper-cases to S
	{"\u212a", "SECRET_"}, // the Kelvin sign is no ASCII letter
	{"\u0130", "SECRET_"}, // İ
	{"\u0131", "I"},       // ı upper-cases to I
	{"ß", "SECRET_"},
	{"日本", "SECRET_"},
	{"\xff", "SECRET_"},
	{"QUERY_A", "QUERY_A"},
	{"\t\n", "SECRET_"},
	{"x\x00y", "X_Y"},
	{strings.Repeat("x-", 5000), strings.Repeat("X_", 4999) + "X"},
}

// TestEnvNameSameAsBefore: envName still gives every tricky name the answer it gave when
// imports first stored secrets under its answers.
func TestEnvNameSameAsBefore(t *testing.T) {
	for _, c := range envNameCases {
		if got := envName(c.in); got != c.want || envNameBefore(c.in) != c.want {
			t.Errorf("envName(%.40q) = %.40q, want %.40q (as before: %.40q)", c.in, got, c.want, envNameBefore(c.in))
		}
	}
}

// FuzzKeyNameSameAsBefore: envName gives every input the answer it gave before.
func FuzzKeyNameSameAsBefore(f *testing.F) {
	for _, c := range envNameCases {
		if len(c.in) < 100 { // the fuzzer takes long to minimize a long input it finds interesting
			f.Add(c.in)
		}
	}
	f.Fuzz(func(t *testing.T, name string) {
		if got, want := envName(name), envNameBefore(name); got != want {
			t.Errorf("envName(%q) = %q, before %q", name, got, want)
		}
	})
}
