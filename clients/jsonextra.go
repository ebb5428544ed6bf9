package clients

import "bytes"

// Helpers for the whitespace and comments ("extra") hujson keeps between tokens. New lines
// are looked for outside block comments only: a new line inside /* … */ is part of the
// comment. A line comment's closing new line does count, so text cut before it still needs a
// new line after it, which every caller supplies.

// newlines returns the start of every new line sequence ("\n" or "\r\n") in b outside block
// comments.
func newlines(b []byte) []int {
	var out []int
	for i := 0; i < len(b); i++ {
		switch {
		case bytes.HasPrefix(b[i:], []byte("/*")):
			end := bytes.Index(b[i+2:], []byte("*/"))
			if end < 0 {
				return out
			}
			i += 2 + end + 1
		case bytes.HasPrefix(b[i:], []byte("//")):
			end := bytes.IndexByte(b[i:], '\n')
			if end < 0 {
				return out
			}
			i += end - 1 // the loop's i++ lands on the comment's closing new line
		case b[i] == '\n':
			start := i
			if i > 0 && b[i-1] == '\r' {
				start = i - 1
			}
			out = append(out, start)
		}
	}
	return out
}

func firstNewline(b []byte) int {
	if nl := newlines(b); len(nl) > 0 {
		return nl[0]
	}
	return -1
}

func lastNewline(b []byte) int {
	if nl := newlines(b); len(nl) > 0 {
		return nl[len(nl)-1]
	}
	return -1
}

// hasComment reports whether b holds anything but whitespace.
func hasComment(b []byte) bool {
	return len(bytes.TrimLeft(b, " \t\r\n")) > 0
}

// trailingIndent is the indentation at the end of b (after its last new line), if it is made
// of spaces and tabs only.
func trailingIndent(b []byte) (string, bool) {
	i := bytes.LastIndexByte(b, '\n')
	if i < 0 {
		return "", false
	}
	ind := b[i+1:]
	if len(bytes.Trim(ind, " \t")) != 0 {
		return "", false
	}
	return string(ind), true
}

// lineIndent is the leading spaces and tabs of the line of src that holds offset.
func lineIndent(src []byte, offset int) string {
	if offset > len(src) {
		offset = len(src)
	}
	start := bytes.LastIndexByte(src[:offset], '\n') + 1
	end := start
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	return string(src[start:end])
}

// joinAfterRemoval is the extra that replaces removed+following when a member (or element)
// whose leading extra is removed is deleted and following is the extra after it (the next
// member's leading extra, or the closing extra of its object when last is true). It keeps the
// end of the previous member's line (a trailing comment about it), keeps full-line comments
// above the removed member, drops the removed member's own line, and leaves the layout as if
// the member had never been there. A member that shared its line with what came before it (a
// member or the opening brace) had no line of its own: the rest of that line, a comment
// included, is the person's and stays.
func joinAfterRemoval(removed, following []byte, last bool) []byte {
	rl, fl := lastNewline(removed), firstNewline(following)
	var out []byte
	switch {
	case rl >= 0 && fl >= 0:
		out = append(out, removed[:rl]...)
		out = append(out, following[fl:]...)
	case rl < 0 && fl >= 0:
		if t := bytes.TrimRight(removed, " \t"); hasComment(t) {
			out = append(out, t...)
		}
		out = append(out, following...)
	case rl >= 0 && fl < 0:
		if last && !hasComment(removed[:rl]) {
			// The closing brace returns to the line before, after what stood before it.
			out = append(out, removed[:rl]...)
			out = append(out, following...)
			break
		}
		out = append(out, removed...)
		out = append(out, bytes.TrimLeft(following, " \t")...)
	default: // all on one line
		if last {
			if t := bytes.TrimSpace(removed); len(t) > 0 {
				out = append(append(out, ' '), t...)
			}
			out = append(out, following...)
		} else {
			out = append(out, removed...)
			out = append(out, bytes.TrimLeft(following, " \t")...)
		}
	}
	return out
}

// splitFirstLine cuts b before its first new line. ok is false when b has none.
func splitFirstLine(b []byte) (head, rest []byte, ok bool) {
	i := firstNewline(b)
	if i < 0 {
		return b, nil, false
	}
	return b[:i], b[i:], true
}
