package jsonwire

import (
	"bytes"
	"encoding/json"
	"unicode"
	"unicode/utf8"
)

// A message can mean different things to different readers: JavaScript takes the last of two
// members of the same name, Go's encoding/json the last one spelled in any case ("ID" counts
// as "id"). A reader that must see what every peer sees refuses both (CheckLevel).

// Ambiguity is what makes an object ambiguous: Member (with its parents, as in "params.name",
// when the caller adds them) is named twice, or, when As is set, is a spelling of the member
// As in another case. Or, with CarriageReturn set, the message holds a carriage return
// (as white space between its tokens, which JSON allows): a peer that reads lines the way
// Python's and Node's line readers do ends a line there, and reads what follows as a
// message of its own (LineBreak).
type Ambiguity struct {
	Member, As     string
	CarriageReturn bool
}

// LineBreak returns the ambiguity of a newline-delimited message that holds a carriage
// return anywhere before its line ending, or nil. line is the message without its line ending.
func LineBreak(line []byte) *Ambiguity {
	if bytes.IndexByte(line, '\r') >= 0 {
		return &Ambiguity{CarriageReturn: true}
	}
	return nil
}

// AboutID reports whether the message's id is what is in doubt.
func (a *Ambiguity) AboutID() bool {
	return !a.CarriageReturn && (a.As == "id" || a.As == "" && bytes.EqualFold([]byte(a.Member), []byte("id")))
}

// Within adds the path of the object the ambiguity was found in (as "params.") to its names.
func (a *Ambiguity) Within(path string) *Ambiguity {
	out := &Ambiguity{Member: path + a.Member}
	if a.As != "" {
		out.As = path + a.As
	}
	return out
}

// CheckLevel walks the members of obj (nothing when it is not an object) and returns the
// first ambiguity: a name seen before, or a name that is not one of reads but matches one
// ignoring case. It also returns the value of the member named child.
func CheckLevel(obj []byte, reads []string, child string) (childValue []byte, a *Ambiguity) {
	lv := Level{Reads: reads}
	Members(obj, func(key []byte, vs, ve int) bool {
		name := MemberName(key)
		if a = lv.Member(name); a != nil {
			return false
		}
		if child != "" && string(name) == child {
			childValue = obj[vs:ve]
		}
		return true
	})
	return childValue, a
}

// Level is CheckLevel's check of one object, member by member, for a reader that walks the
// object itself (ReadMessage). The zero Level with Reads set is ready; it must not be copied
// once used.
type Level struct {
	Reads []string // the names the reader takes in this object

	// The names seen so far: the first len(small) in small (most objects here have a
	// handful of members), then folded in many, so that a huge object costs O(n). small is
	// counted by n rather than sliced, so that a Level does not point into itself and can
	// stay on its reader's stack.
	small [16][]byte
	n     int
	many  map[string]bool
}

// Member checks the next member's unescaped name against the members before it and the names
// read, and returns the ambiguity it makes, or nil.
func (lv *Level) Member(name []byte) *Ambiguity {
	ascii := isASCII(name)
	for _, r := range lv.Reads {
		if ascii && len(name) != len(r) {
			continue // an ASCII name folds to no name of another length
		}
		if string(name) != r && foldEqual(name, r) {
			return &Ambiguity{Member: string(name), As: r}
		}
	}
	if lv.many == nil && lv.n < len(lv.small) {
		for _, s := range lv.small[:lv.n] {
			if bytes.EqualFold(s, name) {
				return &Ambiguity{Member: string(name)}
			}
		}
		lv.small[lv.n] = name
		lv.n++
		return nil
	}
	if lv.many == nil {
		lv.many = map[string]bool{}
		for _, s := range lv.small[:lv.n] {
			lv.many[foldName(s)] = true
		}
	}
	f := foldName(name)
	if lv.many[f] {
		return &Ambiguity{Member: string(name)}
	}
	lv.many[f] = true
	return nil
}

// foldEqual is bytes.EqualFold(name, []byte(r)) without the conversion: a name that is
// plain ASCII is compared byte by byte; any other goes through bytes.EqualFold, since
// encoding/json also folds the Kelvin sign to k and the long s to s.
func foldEqual(name []byte, r string) bool {
	if len(name) == len(r) {
		ascii := true
		for i, c := range name {
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
			if lower(c) != lower(r[i]) {
				return false
			}
		}
		if ascii {
			return true
		}
	}
	if len(name) < len(r) { // folding never makes a name shorter than its ASCII twin
		return false
	}
	return bytes.EqualFold(name, []byte(r))
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// MemberName unescapes a raw (quoted) member name.
func MemberName(raw []byte) []byte {
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return inner
	}
	var k string
	json.Unmarshal(raw, &k)
	return []byte(k)
}

// foldName maps name to a string that is equal for exactly the names bytes.EqualFold (and so
// encoding/json) takes as equal: every rune becomes the smallest of its case-folding orbit.
func foldName(name []byte) string {
	out := make([]byte, 0, len(name))
	for i := 0; i < len(name); {
		r, n := utf8.DecodeRune(name[i:])
		i += n
		for {
			next := unicode.SimpleFold(r)
			if next <= r {
				r = next
				break
			}
			r = next
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}
