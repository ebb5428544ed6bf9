package clients

import (
	"bytes"
	"regexp"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/internal/credential"
	"github.com/mcptray/mcptray/internal/display"
)

// LooksLikeCredential reports whether an environment variable (or header) called name with
// the given value probably holds a secret, so `client import` puts it in the keychain rather
// than in MCP Tray's config. It errs on the side of yes: a false alarm costs a keychain entry,
// a miss leaks a secret. name is checked word by word (GITHUB_PERSONAL_ACCESS_TOKEN, apiKey,
// X-Auth: credential.Name), value against known token formats and for long random-looking
// strings (credential.Value). A value that only refers to a credential kept elsewhere
// (${GITHUB_TOKEN}, Bearer ${TOKEN}, {env:API_KEY}: credential.Reference) is none, whatever
// its name. It is a pure function, safe for concurrent use.
func LooksLikeCredential(name, value string) bool {
	return !credential.Reference(value) && (credential.Name(name) || credential.Value(value))
}

// urlCredential reports a text that carries a credential in an address: a password in
// scheme://user:password@, a token as its user name, or a parameter named or shaped like one
// (?api_key=…: credential.InURL), as CredentialsInArgs finds them in a command line. A
// client's "url" member holds one as often as an argument does (red team: a Smithery address
// with ?api_key= reached a backup in clear).
func urlCredential(v string) bool {
	return len(credential.InURL(v)) > 0
}

// tokenStarts begin the token formats that are known by their shape alone (credential.Value).
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
				if v := string(text[start:end]); credential.Value(v) {
					out = append(out, v)
				}
			}
			i = end
		}
	}
	return out
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
			if start >= end || credential.Reference(a[start:end]) {
				return // ${secret:PASSWORD}, ${DB_PASSWORD}: filled in by whoever runs the command
			}
			for _, f := range found {
				if start < f.End && f.Start < end {
					return
				}
			}
			env := envName(name)
			if !credential.Name(env) {
				env += "_SECRET" // a name such as LD_PRELOAD in a header stays no variable a program obeys
			}
			found = append(found, ArgCredential{Arg: i, Start: start, End: end, Name: env, Where: where, Header: header})
		}
		switch {
		case prev == "--header" || prev == "-H":
			headerCredential(a, 0, add)
		case strings.HasPrefix(a, "--header="):
			headerCredential(a, len("--header="), add)
		case isFlag(prev) && !strings.Contains(prev, "=") && credential.Name(flagName(prev)) && a != "" && !strings.HasPrefix(a, "-") && !location(a):
			add(0, len(a), flagName(prev), "the "+prev+" flag", false)
		}
		for _, p := range credential.InURL(a) {
			address := "an address"
			if p.Scheme != "" {
				address = "a " + p.Scheme + ":// address"
			}
			switch p.Kind {
			case credential.Password:
				add(p.Start, p.End, p.Scheme+"_PASSWORD", "the password in "+address, false)
			case credential.User:
				add(p.Start, p.End, p.Scheme+"_TOKEN", "the user name in "+address, false)
			case credential.Parameter:
				add(p.Start, p.End, p.Name, "the "+display.Line(p.Name)+"= part of an address", false)
			}
		}
		settingCredentials(a, add)
		if len(found) == 0 && credential.Value(a) {
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
		named := credential.Name(key) || strings.EqualFold(key, "pwd") && strings.Contains(a, ";")
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
// no credential in it (credential.InURL), or a file path. Credentials inside an address are found on their own.
func location(v string) bool {
	for _, p := range []string{"/", "./", "../", "~/"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return strings.Contains(v, "://") && len(credential.InURL(v)) == 0
}

func isFlag(a string) bool { return len(a) > 1 && a[0] == '-' && a != "--" }

// flagName is a flag without its dashes and any =value.
func flagName(flag string) string {
	name, _, _ := strings.Cut(strings.TrimLeft(flag, "-"), "=")
	return name
}

// envName makes name an environment variable name: upper case, other characters as _.
//
// Its answers name keychain items already on people's computers: an import moves a
// credential found in a client's command line into the keychain under ArgCredential.Name
// (or that name with _2, _3…) and leaves ${secret:NAME} in the arguments, so no input may
// ever get a different answer (TestEnvNameSameAsBefore). That is also why it stays apart from
// cmd/mcptray's secretKeyFor and catalog's Secret.Key, which read alike but answer otherwise
// and name other stored items: it trims _ from both ends (-x- → X, where secretKeyFor gives
// _X_), turns each other character into its own _ (a--b → A__B, where Secret.Key gives A_B)
// and puts SECRET_ before an empty name or one that starts with a digit (the others, H_).
func envName(name string) string {
	s := strings.Trim(credential.KeyChars(name), "_")
	if s == "" || s[0] >= '0' && s[0] <= '9' {
		s = "SECRET_" + s
	}
	return s
}
