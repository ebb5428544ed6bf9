// Package credential says what looks like a credential: a name (GITHUB_TOKEN, apiKey,
// --password), a value (a GitHub token, a long random string), and the parts of an address
// that are one (the password in scheme://user:password@, a ?api_key= parameter). It is the
// one place that knowledge lives: the sandbox keeps such variables back from a server, client
// imports and backups keep such values out of files, `server add --url` moves them to the
// keychain.
//
// Every answer errs on the side of yes, since a false alarm costs a keychain entry or a
// variable a server did not get, and a miss leaks a secret; but a name is judged word by word
// so that ordinary names (PATH, KEYBOARD_LAYOUT, AUTHOR, lastSessionId) are not taken for
// credentials. A value that only refers to a credential kept elsewhere (Reference) is never
// one. Every function is pure and safe for concurrent use.
package credential

import (
	"strings"
	"unicode"
)

// secretWords are matched anywhere in a name with its separators dropped; secretParts must be
// a whole word of it, and KEY or KEYS may also end one (APIKEY, ACCESSKEY, SSHKEYS), because
// as substrings they hit PATH, KEYBOARD or AUTHOR.
var (
	secretWords = []string{"TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "CREDENTIAL", "CREDS", "APIKEY", "PRIVATEKEY", "AUTHORIZATION", "COOKIE"}
	secretParts = []string{"KEY", "KEYS", "PAT", "AUTH", "PWD", "PASS", "BEARER", "JWT", "CRED"}
	// compactName drops the separators of a name: API_KEY, api-key and api.key alike.
	compactName = strings.NewReplacer("_", "", "-", "", ".", "")
)

// Name reports whether name (an environment variable, a header, a flag without its dashes, a
// query parameter, a member of a settings file) looks like the name of a credential. Case
// does not matter. Words are told apart by separators (_ - . and others) and by case changes
// (apiKey), and are matched as follows:
//
//   - TOKEN, SECRET, PASSWORD, PASSWD, PASSPHRASE, CREDENTIAL, CREDS, APIKEY, PRIVATEKEY,
//     AUTHORIZATION and COOKIE anywhere, across separators (NODE_AUTH_TOKEN, X-Api-Key);
//   - SESSION anywhere except as SESSIONID: a session's key or cookie is a credential, a
//     session's id names a conversation (Claude Code's lastSessionId) or a login seat
//     (XDG_SESSION_ID);
//   - KEY, KEYS, PAT, AUTH, PWD, PASS, BEARER, JWT and CRED as a whole word (GITLAB_PAT,
//     DB_PWD), KEY and KEYS also at the end of one (ACCESSKEY, SSHKEYS) but not inside one
//     (KEYBOARD, MONKEYPATCH, KEYRING_PROVIDER);
//   - a word that ends in AUTH or starts with it (OAUTH, BASICAUTH, AUTHTOKEN), but not
//     AUTHOR… (AUTHOR, AUTHORS, AUTHORITY) or a word that only has AUTH inside it
//     (UNAUTHORIZED).
//
// PWD alone is the shell's working folder, not a credential.
func Name(name string) bool {
	upper := strings.ToUpper(name)
	compact := compactName.Replace(upper)
	for _, w := range secretWords {
		if strings.Contains(compact, w) {
			return true
		}
	}
	if strings.Contains(strings.ReplaceAll(compact, "SESSIONID", ""), "SESSION") {
		return true
	}
	for _, word := range nameWords(name) {
		if word == "PWD" && upper == "PWD" {
			continue // the shell's working directory
		}
		for _, p := range secretParts {
			if word == p {
				return true
			}
		}
		if strings.HasSuffix(word, "KEY") || strings.HasSuffix(word, "KEYS") {
			return true
		}
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

// KeyChars spells name in the characters a keychain item's name is made of: upper case, each
// character other than an ASCII letter or digit (after upper-casing) written as one _
// (X-Api-Key → X_API_KEY, a--b → A__B). The callers that name stored items build on it and
// never change what it gives for any input (clients' envName, cmd/mcptray's secretKeyFor).
func KeyChars(name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
