package clients

import (
	"math"
	"regexp"
	"strings"
	"unicode"
)

// LooksLikeCredential reports whether an environment variable (or header) called name with
// the given value probably holds a secret, so `client import` puts it in the keychain rather
// than in MCP Tray's config. It errs on the side of yes: a false alarm costs a keychain entry,
// a miss leaks a secret. name is checked word by word (GITHUB_PERSONAL_ACCESS_TOKEN, apiKey,
// X-Auth), value against known token formats and for long random-looking strings. It is a
// pure function, safe for concurrent use.
func LooksLikeCredential(name, value string) bool {
	return secretName(name) || secretValue(value)
}

// secretWords are matched anywhere in a name; secretParts must be a whole word of it, or end
// one (APIKEY, ACCESSKEY), because as substrings they hit PATH, KEYBOARD or AUTHOR.
var (
	secretWords = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "APIKEY", "PRIVATEKEY", "AUTHORIZATION", "COOKIE", "SESSION"}
	secretParts = []string{"KEY", "PAT", "AUTH", "PWD", "PASS", "BEARER", "JWT"}
)

func secretName(name string) bool {
	upper := strings.ToUpper(name)
	compact := strings.NewReplacer("_", "", "-", "", ".", "").Replace(upper)
	for _, w := range secretWords {
		if strings.Contains(compact, w) {
			return true
		}
	}
	for _, word := range nameWords(name) {
		if word == "PWD" && upper == "PWD" {
			continue // the shell's working directory
		}
		for _, p := range secretParts {
			if word == p || (p == "KEY" && strings.HasSuffix(word, "KEY")) {
				return true
			}
		}
	}
	return false
}

// nameWords splits GITHUB_PAT, githubPat and github-pat alike into upper-case words.
func nameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToUpper(string(cur)))
			cur = cur[:0]
		}
	}
	runes := []rune(name)
	for i, r := range runes {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(runes[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

var tokenFormats = []*regexp.Regexp{
	regexp.MustCompile(`^gh[pousr]_[A-Za-z0-9]{20,}$`),                                 // GitHub tokens
	regexp.MustCompile(`^github_pat_[A-Za-z0-9_]{20,}$`),                               // GitHub fine-grained
	regexp.MustCompile(`^xox[abposr]-[A-Za-z0-9-]{10,}$`),                              // Slack
	regexp.MustCompile(`^xapp-[A-Za-z0-9-]{10,}$`),                                     // Slack app-level
	regexp.MustCompile(`^sk-(ant-|proj-|svcacct-|or-)?[A-Za-z0-9_-]{16,}$`),            // OpenAI, Anthropic, OpenRouter
	regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`),                                    // AWS access key id
	regexp.MustCompile(`^glpat-[A-Za-z0-9_-]{16,}$`),                                   // GitLab
	regexp.MustCompile(`^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$`), // JWT
	regexp.MustCompile(`^AIza[0-9A-Za-z_-]{30,}$`),                                     // Google API key
	regexp.MustCompile(`^hf_[A-Za-z0-9]{20,}$`),                                        // Hugging Face
	regexp.MustCompile(`^(sk|rk|pk)_(live|test)_[A-Za-z0-9]{16,}$`),                    // Stripe
	regexp.MustCompile(`^npm_[A-Za-z0-9]{30,}$`),                                       // npm
	regexp.MustCompile(`^lin_api_[A-Za-z0-9]{20,}$`),                                   // Linear
	regexp.MustCompile(`(?i)^bearer\s+\S{8,}$`),                                        // an Authorization value
	regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`),                           // a private key
	regexp.MustCompile(`^[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@`),                     // user:password@ in a URL
}

func secretValue(value string) bool {
	v := strings.TrimSpace(value)
	for _, re := range tokenFormats {
		if re.MatchString(v) {
			return true
		}
	}
	return highEntropy(v)
}

// highEntropy flags long strings with no structure a person would type: no spaces, not a
// path or address, and either mixed-case letters with digits at about four bits per character
// or a long run of hex digits. Model names and version strings (lower case, dashes) pass.
func highEntropy(v string) bool {
	if len(v) < 24 || strings.ContainsAny(v, " /\\:") {
		return false
	}
	var lower, upper, digit, hexOnly = false, false, false, true
	counts := map[rune]int{}
	for _, r := range v {
		counts[r]++
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		}
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			hexOnly = false
		}
	}
	if hexOnly && len(v) >= 32 {
		return true
	}
	if !(lower && upper && digit) {
		return false
	}
	entropy := 0.0
	for _, n := range counts {
		p := float64(n) / float64(len(v))
		entropy -= p * math.Log2(p)
	}
	return entropy >= 3.5
}
