package credential

import (
	"net/url"
	"slices"
	"strings"
)

// Kind says which part of an address a Part is.
type Kind int

const (
	// Password is the password of scheme://user:password@host.
	Password Kind = iota + 1
	// User is the user name of scheme://user@host or scheme://user:password@host when it has
	// the form of a token (Value): https://ghp_…@github.com.
	User
	// Parameter is the value of a name=value parameter of the query (?api_key=…) or of the
	// fragment (#access_token=…).
	Parameter
)

// A Part is one credential inside a text: text[Start:End], as written there (still
// percent-encoded).
type Part struct {
	Start, End int
	Kind       Kind
	// Scheme is the address's scheme as written (redis, https) for a Password or User.
	Scheme string
	// Name is a Parameter's name, percent-decoded (api_key for api%5Fkey).
	Name string
}

// InURL returns the credentials in s, a URL or a text that holds URLs (a command-line
// argument, a member of a settings file), in order and without overlaps:
//
//   - user info, after any scheme:// (the scheme may be missing): the part up to the first
//     "/" or white space, then up to its last "@". Its password, when there is one, not empty
//     and not a Reference, is a Password part; its user name is a User part only when it has
//     the form of a token (Value), so postgres://app@db is none and https://ghp_…@github.com
//     is one. IPv6 hosts ([::1]:8080) have no "@" and are no user info.
//   - parameters: every name=value after "?", "&" or "#", wherever it stands (in a query, in
//     a fragment, in a URL inside another's parameter), each repeated one on its own. The
//     value runs to the next "&", "#" or white space. It is a Parameter part when Param says so.
//
// A part inside another one (the password of an address that is itself a parameter's
// credential value) is left out.
func InURL(s string) []Part {
	var parts []Part
	for i := 0; ; {
		j := strings.Index(s[i:], "://")
		if j < 0 {
			break
		}
		j += i
		parts = append(parts, userinfo(s, j)...)
		i = j + len("://")
	}
	params := 0
	if strings.IndexByte(s, '=') < 0 {
		params = len(s) // no parameter without "="; a client file holds millions of strings
	}
	for i := params; i < len(s); {
		j := strings.IndexAny(s[i:], "?&#")
		if j < 0 {
			break
		}
		at := i + j + 1
		i = at
		eq := at
		for eq < len(s) && s[eq] != '=' && !endsParamName(s[eq]) {
			eq++
		}
		if eq == at || eq >= len(s) || s[eq] != '=' {
			continue
		}
		end := eq + 1
		for end < len(s) && s[end] != '&' && s[end] != '#' && !space(s[end]) {
			end++
		}
		if Param(s[at:eq], s[eq+1:end]) {
			parts = append(parts, Part{Start: eq + 1, End: end, Kind: Parameter, Name: unescape(s[at:eq])})
		}
	}
	slices.SortStableFunc(parts, func(a, b Part) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End // the wider first, so the narrower is the one left out
	})
	out := parts[:0]
	for _, p := range parts {
		if n := len(out); n > 0 && p.Start < out[n-1].End {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Param reports whether the parameter name=value of an address, both as written there (still
// percent-encoded; + is a space), is a credential: its value is not empty and not a
// Reference, and its name (Name) or its value (Value) looks like a credential's. A name or
// value that does not decode is judged as written.
func Param(name, value string) bool {
	v := unescape(value)
	if v == "" || Reference(v) {
		return false
	}
	return Name(unescape(name)) || Value(v)
}

// userinfo returns the Password and User parts of the address whose "://" is at s[i:].
func userinfo(s string, i int) []Part {
	start := i + len("://")
	end := start
	for end < len(s) && s[end] != '/' && !space(s[end]) {
		end++
	}
	at := strings.LastIndexByte(s[start:end], '@')
	if at < 0 {
		return nil
	}
	scheme := s[schemeStart(s, i):i]
	info := s[start : start+at]
	user, password, hasPassword := strings.Cut(info, ":")
	var parts []Part
	if user != "" && Value(unescapeInfo(user)) {
		parts = append(parts, Part{Start: start, End: start + len(user), Kind: User, Scheme: scheme})
	}
	if p := unescapeInfo(password); hasPassword && p != "" && !Reference(p) {
		from := start + len(user) + 1
		parts = append(parts, Part{Start: from, End: from + len(password), Kind: Password, Scheme: scheme})
	}
	return parts
}

// schemeStart is where the scheme ending at s[:i] starts: a letter, then letters, digits,
// "+", "-" or "."; i when there is none.
func schemeStart(s string, i int) int {
	k := i
	for k > 0 && schemeByte(s[k-1]) {
		k--
	}
	for k < i && !letter(s[k]) {
		k++
	}
	return k
}

func schemeByte(c byte) bool {
	return letter(c) || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'
}

func letter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func space(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// endsParamName is a byte a parameter's name cannot hold: where another one starts, or
// white space.
func endsParamName(c byte) bool { return c == '?' || c == '&' || c == '#' || space(c) }

// unescape is s percent-decoded as a query is (+ is a space), or s itself when it does not
// decode.
func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

// unescapeInfo is s, a user name or password, percent-decoded (+ is itself), or s itself when
// it does not decode.
func unescapeInfo(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}
