package gateway

import (
	"bufio"
	"errors"
	"io"
)

// DefaultMaxMessage bounds one JSON-RPC message (64 MiB): large enough for real file contents
// and images, small enough that a runaway peer cannot exhaust memory.
const DefaultMaxMessage = 64 << 20

// prefixKeep is how much of an oversized message is kept to find its id.
const prefixKeep = 64 << 10

// errTooLarge reports an oversized message; the reader has skipped to the next line.
type errTooLarge struct {
	prefix []byte
	size   int
}

func (e *errTooLarge) Error() string { return "message too large" }

// tooLarge is err's errTooLarge, nil when it has none. The pumps ask it of every read: asking
// errors.As with the address of a variable of their own would move that variable to the heap
// once per message.
func tooLarge(err error) *errTooLarge {
	if err != nil {
		var tl *errTooLarge // on the heap, but only for an error
		if errors.As(err, &tl) {
			return tl
		}
	}
	return nil
}

// lineReader reads newline-delimited messages of bounded size.
type lineReader struct {
	r   *bufio.Reader
	max int
	buf []byte
}

func newLineReader(r *bufio.Reader, max int) *lineReader {
	if max <= 0 {
		max = DefaultMaxMessage
	}
	return &lineReader{r: r, max: max}
}

// next returns the next non-empty message: line without its line ending, and raw, the same
// bytes with the line ending exactly as received (a final line without one gets "\n"). Both
// are valid until the next call. An oversized line returns *errTooLarge and is skipped;
// io.EOF ends the stream.
func (lr *lineReader) next() (line, raw []byte, err error) {
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if err == nil && len(lr.buf) == 0 && len(chunk) <= lr.max {
			// The common case: a whole line in the buffer, no copy.
			if line := trimEOL(chunk); len(line) > 0 {
				return line, chunk, nil
			}
			continue
		}
		if len(lr.buf)+len(chunk) > lr.max {
			return nil, nil, lr.skip(chunk, err)
		}
		lr.buf = append(lr.buf, chunk...)
		switch {
		case err == nil:
			// raw stays valid until the next call, which is when the buffer is reused.
			raw := lr.buf
			lr.buf = raw[:0]
			if line := trimEOL(raw); len(line) > 0 {
				return line, raw, nil
			}
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			if len(lr.buf) > 0 {
				raw := append(lr.buf, '\n')
				lr.buf = nil
				if line := trimEOL(raw); len(line) > 0 {
					return line, raw, nil
				}
			}
			return nil, nil, err
		}
	}
}

// skip discards the rest of an oversized line, keeping its start.
func (lr *lineReader) skip(chunk []byte, err error) error {
	prefix := append([]byte(nil), lr.buf[:min(len(lr.buf), prefixKeep)]...)
	if len(prefix) < prefixKeep {
		prefix = append(prefix, chunk[:min(len(chunk), prefixKeep-len(prefix))]...)
	}
	size := len(lr.buf) + len(chunk)
	lr.buf = lr.buf[:0]
	if cap(lr.buf) > 1<<20 {
		lr.buf = nil // do not keep a huge buffer alive
	}
	for errors.Is(err, bufio.ErrBufferFull) {
		chunk, err = lr.r.ReadSlice('\n')
		size += len(chunk)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return &errTooLarge{prefix: prefix, size: size}
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}
