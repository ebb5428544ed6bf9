package clients

import (
	"bytes"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// LooksLikeCredential reports whether an environment variable (or header) called name with
// the given value probably holds a secret, so `client import` puts it in the keychain rather
// than in MCP Tray's config. It errs on the side of yes: a false alarm costs a keychain entry,
// a miss leaks a secret. name is checked word by word (GITHUB_PERSONAL_ACCESS_TOKEN, apiKey,
// X-Auth), value against known token formats and for long random-looking strings. A value
// that only refers to a credential kept elsewhere (${GITHUB_TOKEN}, Bearer ${TOKEN},
// {env:API_KEY}) is none, whatever its name. It is a pure function, safe for concurrent use.
func LooksLikeCredential(name, value string) bool {
	return !reference(value) && (secretName(name) || secretValue(value))
}

// referenceRE is a value that only names where the credential is: ${GITHUB_TOKEN},
// ${env:GITHUB_TOKEN}, ${input:token} (VS Code), {env:GITHUB_TOKEN} (opencode), after an
// Authorization scheme or not (Bearer ${TOKEN}). The client fills it in when it starts the
// server; the file holds no secret. A bare $NAME is not taken for one: a password may start
// with a dollar sign.
var referenceRE = regexp.MustCompile(`^(?i:(?:bearer|basic|token)\s+)?(?:\$\{[^{}\s]+\}|\{env:[A-Za-z_][A-Za-z0-9_]*\})$`)

// reference reports a value that is only a reference to a credential kept elsewhere.
func reference(value string) bool {
	v := strings.TrimSpace(value)
	return strings.Contains(v, "{") && referenceRE.MatchString(v)
}

// secretWords are matched anywhere in a name; secretParts must be a whole word of it, or end
// one (APIKEY, ACCESSKEY), because as substrings they hit PATH, KEYBOARD or AUTHOR.
var (
	secretWords = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "CREDS", "APIKEY", "PRIVATEKEY", "AUTHORIZATION", "COOKIE"}
	secretParts = []string{"KEY", "PAT", "AUTH", "PWD", "PASS", "BEARER", "JWT", "CRED"}
	// compactName drops the separators of a name: API_KEY, api-key and api.key alike.
	compactName = strings.NewReplacer("_", "", "-", "", ".", "")
)

func secretName(name string) bool {
	upper := strings.ToUpper(name)
	compact := compactName.Replace(upper)
	for _, w := range secretWords {
		if strings.Contains(compact, w) {
			return true
		}
	}
	// A session's key or cookie is one (SESSION, SESSION_KEY); a session's id names a
	// conversation, not a credential (Claude Code keeps a lastSessionId per project).
	if strings.Contains(strings.ReplaceAll(compact, "SESSIONID", ""), "SESSION") {
		return true
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
		// OAUTH, BASICAUTH, AUTHTOKEN; not AUTHOR or AUTHORS.
		if word != "AUTH" && (strings.HasSuffix(word, "AUTH") || strings.HasPrefix(word, "AUTH") && !strings.HasPrefix(word, "AUTHOR")) {
			return true
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
	{func(v string) bool { return strings.Contains(v, "://") }, regexp.MustCompile(`^[a-z][a-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@`)},        // [user]:password@ in a URL
}

// urlCredential reports an address that carries a credential: a password in
// scheme://user:password@ or a query parameter named like one (?api_key=…), as
// CredentialsInArgs finds them in a command line. A client's "url" member holds one as often
// as an argument does (red team: a Smithery address with ?api_key= reached a backup in clear).
func urlCredential(v string) bool {
	if !strings.Contains(v, "://") {
		return false
	}
	if userinfoRE.MatchString(v) {
		return true
	}
	for _, m := range queryRE.FindAllStringSubmatch(v, -1) {
		if secretName(m[1]) && !reference(m[2]) {
			return true
		}
	}
	return false
}

// tokenStarts begin the token formats that are known by their shape alone (tokenFormats).
var tokenStarts = [][]byte{[]byte("ghp_"), []byte("gho_"), []byte("ghu_"), []byte("ghs_"), []byte("ghr_"),
	[]byte("github_pat_"), []byte("sk-"), []byte("xox"), []byte("xapp-"), []byte("glpat-"), []byte("AKIA"),
	[]byte("ASIA"), []byte("AIza"), []byte("hf_"), []byte("npm_"), []byte("lin_api_"), []byte("sk_"), []byte("rk_")}

// tokensIn returns the known tokens anywhere in text, whole words only: text a parser does
// not give back as values, such as comments (red team: `# GITHUB_TOKEN = "ghp_…"` left in a
// Codex file reached a backup in clear).
func tokensIn(text []byte) []string {
	var out []string
	word := func(c byte) bool {
		return c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for _, p := range tokenStarts {
		for i := 0; i < len(text); {
			j := bytes.Index(text[i:], p)
			if j < 0 {
				break
			}
			start := i + j
			end := start + len(p)
			for end < len(text) && word(text[end]) {
				end++
			}
			if start == 0 || !word(text[start-1]) {
				if v := string(text[start:end]); secretValue(v) {
					out = append(out, v)
				}
			}
			i = end
		}
	}
	return out
}

func prefix(p string) func(string) bool {
	return func(v string) bool { return strings.HasPrefix(v, p) }
}

func secretValue(value string) bool {
	v := strings.TrimSpace(value)
	if len(v) < 7 { // shorter than the shortest form below (a://:p@)
		return false
	}
	for _, f := range tokenFormats {
		if f.may(v) && f.re.MatchString(v) {
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

// ArgCredential is a credential found inside a command line: args[Arg][Start:End].
type ArgCredential struct {
	Arg, Start, End int
	// Name is an environment variable name for it: the flag's or setting's own name
	// (PASSWORD, API_KEY), the header's (AUTHORIZATION) or the address's scheme
	// (REDIS_PASSWORD), with _SECRET added to one that does not look like a credential's.
	// Two credentials of one command line may share a name.
	Name string
	// Where says where it was, for the person, without the value: "the --password flag".
	Where string
	// Header is set for the value of an HTTP header given with --header or -H.
	Header bool
}

// CredentialsInArgs finds what looks like a credential in a command line: the value of a
// header given with --header/-H/--header= whose name or value looks like one (the token
// after "Bearer " and similar), the value of a flag named like one (--password=X,
// --api-key X, -e GITHUB_TOKEN=X), the password of an address (redis://:pw@host,
// postgres://user:pw@host/db), a secret query parameter (?token=X), a Password= or Pwd= in
// a connection string, and any argument that has the form of a token (LooksLikeCredential).
// Spans do not overlap and come in order. It is a pure function, safe for concurrent use.
func CredentialsInArgs(args []string) []ArgCredential {
	var out []ArgCredential
	for i, a := range args {
		prev := ""
		if i > 0 {
			prev = args[i-1]
		}
		var found []ArgCredential
		add := func(start, end int, name, where string, header bool) {
			if start >= end {
				return
			}
			for _, f := range found {
				if start < f.End && f.Start < end {
					return
				}
			}
			env := envName(name)
			if !secretName(env) {
				env += "_SECRET" // a name such as LD_PRELOAD in a header stays no variable a program obeys
			}
			found = append(found, ArgCredential{Arg: i, Start: start, End: end, Name: env, Where: where, Header: header})
		}
		switch {
		case prev == "--header" || prev == "-H":
			headerCredential(a, 0, add)
		case strings.HasPrefix(a, "--header="):
			headerCredential(a, len("--header="), add)
		case isFlag(prev) && !strings.Contains(prev, "=") && secretName(flagName(prev)) && a != "" && !strings.HasPrefix(a, "-") && !location(a):
			add(0, len(a), flagName(prev), "the "+prev+" flag", false)
		}
		for _, m := range userinfoRE.FindAllStringSubmatchIndex(a, -1) {
			scheme := a[m[2]:m[3]]
			add(m[6], m[7], scheme+"_PASSWORD", "the password in a "+scheme+":// address", false)
		}
		for _, m := range queryRE.FindAllStringSubmatchIndex(a, -1) {
			if k := a[m[2]:m[3]]; secretName(k) {
				add(m[4], m[5], k, "the "+k+"= part of an address", false)
			}
		}
		settingCredentials(a, add)
		if len(found) == 0 && secretValue(a) {
			name, where := "TOKEN", "an argument that looks like a token"
			if isFlag(prev) && !strings.Contains(prev, "=") {
				name, where = flagName(prev), "the "+prev+" flag"
			}
			add(0, len(a), name, where, false)
		}
		slices.SortFunc(found, func(x, y ArgCredential) int { return x.Start - y.Start })
		out = append(out, found...)
	}
	return out
}

var (
	// userinfoRE finds scheme://[user]:password@ anywhere in an argument.
	userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*)://([^/\s:@]*):([^/\s@]+)@`)
	// queryRE finds name=value parameters of an address.
	queryRE = regexp.MustCompile(`[?&]([A-Za-z][A-Za-z0-9_.-]*)=([^&#\s]+)`)
	// settingNameRE is the name of a name=value setting: a word or a few.
	settingNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9 _.-]*$`)
	// authSchemeRE is the scheme word that starts an Authorization value.
	authSchemeRE = regexp.MustCompile(`^(?i:bearer|basic|token|bot|digest|apikey)\s+`)
)

// headerCredential finds the credential in a header "Name: value" that starts at a[from:].
func headerCredential(a string, from int, add func(start, end int, name, where string, header bool)) {
	name, value, ok := strings.Cut(a[from:], ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.TrimSpace(value) == "" || !LooksLikeCredential(name, strings.TrimSpace(value)) {
		return
	}
	start := from + len(name) + 1
	start += len(value) - len(strings.TrimLeft(value, " \t"))
	if m := authSchemeRE.FindString(a[start:]); m != "" && len(a[start+len(m):]) > 0 {
		start += len(m)
	}
	end := len(strings.TrimRight(a, " \t"))
	add(start, end, name, "the "+name+" header", true)
}

// settingCredentials finds the values of name=value settings named like a credential: a
// flag (--password=X), a variable (GITHUB_TOKEN=X) or the parts of a connection string
// (Server=db;Password=X), separated by semicolons.
func settingCredentials(a string, add func(start, end int, name, where string, header bool)) {
	pos := 0
	for part := range strings.SplitSeq(a, ";") {
		at := pos
		pos += len(part) + 1
		body := part
		dashes := ""
		if at == 0 {
			body = strings.TrimLeft(part, "-")
			dashes = part[:len(part)-len(body)]
		}
		k, v, ok := strings.Cut(body, "=")
		key := strings.TrimSpace(k)
		// Pwd alone is the shell's working folder, but in a connection string a password.
		named := secretName(key) || strings.EqualFold(key, "pwd") && strings.Contains(a, ";")
		if !ok || !settingNameRE.MatchString(key) || !named || strings.TrimSpace(v) == "" {
			continue
		}
		if at == 0 && location(strings.TrimSpace(v)) {
			continue // --auth-server-url=https://…, --token-file=/path: where a credential is, not one
		}
		start := at + len(dashes) + len(k) + 1
		start += len(v) - len(strings.TrimLeft(v, " \t"))
		end := at + len(strings.TrimRight(part, " \t"))
		where := key + "= in a connection string"
		switch {
		case dashes != "":
			where = "the " + dashes + key + " flag"
		case at == 0 && !strings.Contains(a, ";"):
			where = "the " + key + "= setting"
		}
		add(start, end, key, where, false)
	}
}

// location reports a value that names a place rather than holding a secret: an address with
// no password in it, or a file path. Credentials inside an address are found on their own.
func location(v string) bool {
	for _, p := range []string{"/", "./", "../", "~/"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return strings.Contains(v, "://") && !userinfoRE.MatchString(v)
}

func isFlag(a string) bool { return len(a) > 1 && a[0] == '-' && a != "--" }

// flagName is a flag without its dashes and any =value.
func flagName(flag string) string {
	name, _, _ := strings.Cut(strings.TrimLeft(flag, "-"), "=")
	return name
}

// envName makes name an environment variable name: upper case, other characters as _.
func envName(name string) string {
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
