package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// minBase64Core is the shortest stretch of base64 text used as a pattern
// when a secret sits inside a longer base64 text; shorter stretches would
// match random base64 too often.
const minBase64Core = 8

// minCaseLen is the shortest secret whose forms in other capitals are patterns too.
const minCaseLen = 12

// variants returns the patterns for one secret value: the value and its
// common encodings, each at least MinLen characters, without duplicates.
// It returns nothing for a value shorter than MinLen characters.
func variants(value string) []string {
	if !longEnough(value) {
		return nil
	}
	var out []string
	seen := make(map[string]bool)
	add := func(s string) {
		if longEnough(s) && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}

	forms := []string{value}
	if t := strings.TrimSpace(value); t != value && longEnough(t) {
		forms = append(forms, t)
	}
	if strings.ContainsAny(value, "\r\n") {
		// A log is written and read in lines: catch each line of a
		// multi-line secret (a PEM key, say) on its own too.
		for line := range strings.Lines(value) {
			if t := strings.TrimSpace(line); longEnough(t) {
				forms = append(forms, t)
			}
		}
	}

	for _, v := range forms {
		add(v)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			add(enc.EncodeToString([]byte(v)))
			raw := enc.WithPadding(base64.NoPadding)
			add(raw.EncodeToString([]byte(v)))
			for offset := range 3 {
				if core := base64Core(raw, v, offset); len(core) >= minBase64Core {
					add(core)
				}
			}
		}
		add(url.QueryEscape(v))
		add(url.PathEscape(v))
		// Hex, upper and lower case, and the text in UTF-16 (as Windows tools and some
		// runtimes write it): forms a server printing its own token is found to use.
		add(hex.EncodeToString([]byte(v)))
		add(strings.ToUpper(hex.EncodeToString([]byte(v))))
		if utf8.RuneCountInString(v) >= minCaseLen {
			// A short secret in other capitals is too often an ordinary word ("Secret").
			add(strings.ToUpper(v))
			add(strings.ToLower(v))
		}
		add(utf16Bytes(v, false))
		add(utf16Bytes(v, true))
		for _, j := range jsonForms(v) {
			add(j)
		}
	}
	return out
}

// longEnough reports whether s has at least MinLen characters; invalid UTF-8
// counts byte by byte.
func longEnough(s string) bool {
	return utf8.RuneCountInString(s) >= MinLen
}

// base64Core returns the part of the base64 encoding of v that is the same
// wherever v sits in a longer text, given that v starts offset bytes after a
// multiple of three: the characters whose six bits all come from v.
func base64Core(enc *base64.Encoding, v string, offset int) string {
	buf := make([]byte, offset+len(v))
	copy(buf[offset:], v)
	s := enc.EncodeToString(buf)
	first := (8*offset + 5) / 6       // the first character with no bit of the bytes before v
	last := 8 * (offset + len(v)) / 6 // after the last character with no bit of the bytes after v
	if first >= last {
		return ""
	}
	return s[first:last]
}

// jsonForms returns v as the inside of a JSON string, the ways common JSON
// encoders write it.
func jsonForms(v string) []string {
	var forms []string
	// Go's encoding/json escapes <, > and & by default; most others do not.
	for _, escapeHTML := range []bool{true, false} {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(escapeHTML)
		if err := enc.Encode(v); err != nil {
			continue // cannot happen for a string
		}
		quoted := strings.TrimSuffix(buf.String(), "\n")
		forms = append(forms, quoted[1:len(quoted)-1])
	}
	plain := forms[len(forms)-1]
	// PHP's json_encode escapes slashes; some encoders escape both slashes and HTML.
	forms = append(forms, strings.ReplaceAll(plain, "/", `\/`), strings.ReplaceAll(forms[0], "/", `\/`))
	// Python's json.dumps writes everything beyond ASCII as \uXXXX.
	var ascii strings.Builder
	for _, r := range plain {
		switch {
		case r < utf8.RuneSelf:
			ascii.WriteRune(r)
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&ascii, `\u%04x\u%04x`, hi, lo)
		default:
			fmt.Fprintf(&ascii, `\u%04x`, r)
		}
	}
	return append(forms, ascii.String())
}

// Forms returns the texts under which value may appear in a file or a log: the value and the
// encodings a Redactor catches (base64, URL escaping, the JSON encoders' string forms), each
// once. It returns nothing for a value shorter than MinLen characters. Tests use it to search
// files for a secret; backups use it to find a credential however the file spells it.
func Forms(value string) []string {
	return variants(value)
}

// utf16Bytes returns v in UTF-16, little-endian or big-endian, as a string of its bytes.
func utf16Bytes(v string, bigEndian bool) string {
	units := utf16.Encode([]rune(v))
	b := make([]byte, 0, 2*len(units))
	for _, u := range units {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return string(b)
}
