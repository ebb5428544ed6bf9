package dlp

import (
	"bytes"
	"regexp"
)

// format is a well-known shape of a credential, found anywhere in a text (the anchored
// whole-value forms clients/ uses to tell a secret setting apart are not enough here).
type format struct {
	what  string // "an AWS access key", for a sentence
	kind  Kind
	re    *regexp.Regexp
	hints []string // a match contains one of these: without any, the expression is skipped
}

var formats = []format{
	{"a private key", PrivateKey, regexp.MustCompile(`-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:[A-Za-z0-9+/=:,. \t\r\n-]|\\[^"])*`), []string{"PRIVATE KEY-----"}},
	{"an AWS access key", Credential, regexp.MustCompile(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`), []string{"AKIA", "ASIA"}},
	{"a GitHub token", Credential, regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`), []string{"gh", "github_pat_"}},
	{"a Slack token", Credential, regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`), []string{"xox"}},
	{"a Stripe key", Credential, regexp.MustCompile(`\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}`), []string{"k_"}},
	{"a sign-in token (JWT)", Credential, regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`), []string{"eyJ"}},
	{"a connection string with a password", Credential, regexp.MustCompile(`\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@"'\\]+:[^/\s@"'\\]+@`), []string{"://"}},
}

// hinted reports whether b may match f: false when none of its hints occurs in b.
func (f *format) hinted(b []byte) bool {
	for _, h := range f.hints {
		if bytes.Contains(b, []byte(h)) {
			return true
		}
	}
	return false
}
