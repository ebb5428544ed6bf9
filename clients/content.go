package clients

import "bytes"

// content is a file's new bytes in parts, one after the other. A big file read in spans is
// rendered as slices of the bytes it was read from plus the little that changed, so its edit
// never holds a second copy of the whole file: the check compares in place and the write
// (atomicfile.WriteParts) writes the parts as they are.
type content [][]byte

// bigPart is the size from which contentBuilder keeps a part as the slice it was given
// instead of copying it into the small parts between.
const bigPart = 4 << 10

// contentBuilder builds a content: small pieces are copied together, big ones kept as given.
type contentBuilder struct {
	c     content
	small []byte
}

func (b *contentBuilder) add(p []byte) {
	if len(p) < bigPart {
		b.small = append(b.small, p...)
		return
	}
	b.flush()
	b.c = append(b.c, p)
}

func (b *contentBuilder) flush() {
	if len(b.small) > 0 {
		b.c = append(b.c, b.small)
		b.small = nil
	}
}

func (b *contentBuilder) done() content {
	b.flush()
	return b.c
}

func (c content) len() int {
	n := 0
	for _, p := range c {
		n += len(p)
	}
	return n
}

// join is the content in one slice: the part itself when there is one, else a copy.
func (c content) join() []byte {
	switch len(c) {
	case 0:
		return nil
	case 1:
		return c[0]
	}
	b := make([]byte, 0, c.len())
	for _, p := range c {
		b = append(b, p...)
	}
	return b
}

// equal reports whether the content is b.
func (c content) equal(b []byte) bool { return c.len() == len(b) && c.equalAt(0, b) }

// equalAt reports whether the content holds want at offset off.
func (c content) equalAt(off int, want []byte) bool {
	for _, p := range c {
		if off >= len(p) {
			off -= len(p)
			continue
		}
		n := min(len(p)-off, len(want))
		if !bytes.Equal(p[off:off+n], want[:n]) {
			return false
		}
		want, off = want[n:], 0
		if len(want) == 0 {
			return true
		}
	}
	return len(want) == 0
}

// slice is a copy of the content's bytes from from to to.
func (c content) slice(from, to int) []byte {
	out := make([]byte, 0, to-from)
	for _, p := range c {
		if from >= len(p) {
			from, to = from-len(p), to-len(p)
			continue
		}
		end := min(len(p), to)
		out = append(out, p[from:end]...)
		from, to = 0, to-len(p)
		if to <= 0 {
			break
		}
	}
	return out
}

// cut is the content without its first n bytes.
func (c content) cut(n int) content {
	for len(c) > 0 && n >= len(c[0]) {
		n -= len(c[0])
		c = c[1:]
	}
	if n > 0 && len(c) > 0 {
		c = append(content{c[0][n:]}, c[1:]...)
	}
	return c
}
