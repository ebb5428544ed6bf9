package credential

import (
	"math"
	"regexp"
	"strings"
	"unicode"
)

// referenceRE is a value that only names where the credential is: ${GITHUB_TOKEN},
// ${env:GITHUB_TOKEN}, ${input:token} (VS Code), ${secret:KEY} (MCP Tray's own),
// {env:GITHUB_TOKEN} (opencode), after an Authorization scheme or not (Bearer ${TOKEN}).
var referenceRE = regexp.MustCompile(`^(?i:(?:bearer|basic|token)\s+)?(?:\$\{[^{}\s]+\}|\{env:[A-Za-z_][A-Za-z0-9_]*\})$`)

// Reference reports whether value only refers to a credential kept elsewhere, which the
// program reading it fills in (${GITHUB_TOKEN}, ${secret:KEY}, Bearer ${TOKEN},
// {env:API_KEY}): such a value holds no secret, whatever its name. Space around it does not
// matter. A bare $NAME is not taken for one, since a password may start with a dollar sign.
func Reference(value string) bool {
	v := strings.TrimSpace(value)
	return strings.Contains(v, "{") && referenceRE.MatchString(v)
}

// tokenFormats are the forms of known tokens, each with a test a value must pass before the
// expression is tried (a prefix, mostly): a client file holds millions of strings.
var tokenFormats = []struct {
	may func(string) bool
	re  *regexp.Regexp
}{
	{prefix("gh"), regexp.MustCompile(`^gh[pousr]_[A-Za-z0-9]{20,}$`)},                                                                 // GitHub tokens
	{prefix("github_pat_"), regexp.MustCompile(`^github_pat_[A-Za-z0-9_]{20,}$`)},                                                      // GitHub fine-grained
	{prefix("xox"), regexp.MustCompile(`^xox[abposr]-[A-Za-z0-9-]{10,}$`)},                                                             // Slack
	{prefix("xapp-"), regexp.MustCompile(`^xapp-[A-Za-z0-9-]{10,}$`)},                                                                  // Slack app-level
	{prefix("sk-"), regexp.MustCompile(`^sk-(ant-|proj-|svcacct-|or-)?[A-Za-z0-9_-]{16,}$`)},                                           // OpenAI, Anthropic, OpenRouter
	{prefix("A"), regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`)},                                                                     // AWS access key id
	{prefix("glpat-"), regexp.MustCompile(`^glpat-[A-Za-z0-9_-]{16,}$`)},                                                               // GitLab
	{prefix("eyJ"), regexp.MustCompile(`^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*$`)},                                // JWT
	{prefix("AIza"), regexp.MustCompile(`^AIza[0-9A-Za-z_-]{30,}$`)},                                                                   // Google API key
	{prefix("hf_"), regexp.MustCompile(`^hf_[A-Za-z0-9]{20,}$`)},                                                                       // Hugging Face
	{func(v string) bool { return len(v) > 3 && v[1:3] == "k_" }, regexp.MustCompile(`^(sk|rk|pk)_(live|test)_[A-Za-z0-9]{16,}$`)},     // Stripe
	{prefix("npm_"), regexp.MustCompile(`^npm_[A-Za-z0-9]{30,}$`)},                                                                     // npm
	{prefix("lin_api_"), regexp.MustCompile(`^lin_api_[A-Za-z0-9]{20,}$`)},                                                             // Linear
	{func(v string) bool { return len(v) > 6 && strings.EqualFold(v[:6], "bearer") }, regexp.MustCompile(`(?i)^bearer\s+\S{8,}$`)},     // an Authorization value
	{func(v string) bool { return strings.Contains(v, "PRIVATE KEY-----") }, regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----`)}, // a private key
}

func prefix(p string) func(string) bool {
	return func(v string) bool { return strings.HasPrefix(v, p) }
}

// Value reports whether value, whatever it is called, has the form of a credential: a known
// token format (GitHub, Slack, OpenAI, Anthropic, AWS, GitLab, Google, Hugging Face, Stripe,
// npm, Linear, a JWT, "Bearer …", a PEM private key), an address that starts with a
// credential in its user info (InURL's Password or User), or a long string with no
// structure a person would type (highEntropy). Space around it does not matter. It does not
// look inside a longer text for a URL's parts; InURL does.
func Value(value string) bool {
	v := strings.TrimSpace(value)
	if len(v) < 7 { // shorter than the shortest form below (a://:p@)
		return false
	}
	for _, f := range tokenFormats {
		if f.may(v) && f.re.MatchString(v) {
			return true
		}
	}
	if i := strings.Index(v, "://"); i > 0 && schemeStart(v, i) == 0 {
		if len(userinfo(v, i)) > 0 {
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
	var ascii [128]int
	var other map[rune]int // characters beyond ASCII, rare in a token
	for _, r := range v {
		if r < 128 {
			ascii[r]++
		} else {
			if other == nil {
				other = map[rune]int{}
			}
			other[r]++
		}
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
	add := func(n int) {
		if n > 0 {
			p := float64(n) / float64(len(v))
			entropy -= p * math.Log2(p)
		}
	}
	for _, n := range ascii {
		add(n)
	}
	for _, n := range other {
		add(n)
	}
	return entropy >= 3.5
}
