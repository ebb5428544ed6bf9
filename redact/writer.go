package redact

import (
	"bytes"
	"io"
	"sync"
)

// MaxLine is the length up to which Writer holds back an unfinished line.
// Past it, Writer writes out the beginning of the line, cut where no secret
// can be split (see Writer).
const MaxLine = 64 << 10

// Writer redacts a stream, such as a server's stderr, line by line on its way
// to another writer.
//
// The contract: Writer passes text on in whole lines ending in "\n", each
// line redacted on its own (as by RedactString) with the secrets its Redactor
// holds at that moment, and holds back an unfinished last line until its end
// arrives or Flush is called. So how the input is cut into writes does not
// matter: the output is the same, a secret that arrives in pieces across
// several writes is redacted all the same, and no secret is ever split across
// two writes to the underlying writer. A line longer than MaxLine is passed on
// in pieces; each cut lies before any place where a secret could still be
// completed by bytes not yet written, so the pieces leak nothing either. A
// secret that spans lines is redacted line by line (see the package comment);
// lines of it shorter than MinLen characters stay visible.
//
// Writer is safe for concurrent use, and a nil Redactor redacts nothing.
type Writer struct {
	mu      sync.Mutex
	w       io.Writer
	r       *Redactor
	pending []byte // the unfinished last line
	out     []byte // reused output buffer
	spans   []span // reused scan result
}

// NewWriter returns a Writer that writes to w what it is given, redacted by r.
func NewWriter(w io.Writer, r *Redactor) *Writer {
	return &Writer{w: w, r: r}
}

// Write redacts and writes out every line of p that is complete, and keeps
// the rest for later. It returns len(p) unless writing to the underlying
// writer fails; then the error says so and the text that failed is dropped.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()

	// Fast path: whole lines, nothing pending, no secrets.
	if len(w.pending) == 0 && len(p) > 0 && p[len(p)-1] == '\n' && w.r.current() == nil {
		if _, err := w.w.Write(p); err != nil {
			return len(p), err
		}
		return len(p), nil
	}

	w.pending = append(w.pending, p...)
	cut := bytes.LastIndexByte(w.pending, '\n') + 1
	m := w.r.current()
	if cut == 0 && len(w.pending) > MaxLine {
		cut = w.safeCut(m)
	}
	if cut == 0 {
		return len(p), nil
	}
	err := w.emit(m, cut)
	return len(p), err
}

// Flush redacts and writes out the unfinished last line, if any. Call it when
// the stream ends (for example when the server's stderr reaches EOF).
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.pending) == 0 {
		return nil
	}
	return w.emit(w.r.current(), len(w.pending))
}

// emit writes out pending[:n] redacted by m, each line on its own, and keeps
// the rest pending.
func (w *Writer) emit(m *matcher, n int) error {
	text := w.pending[:n]
	if m != nil {
		out := w.out[:0]
		for rest := text; len(rest) > 0; {
			line := rest
			if i := bytes.IndexByte(rest, '\n'); i >= 0 {
				line = rest[:i+1]
			}
			rest = rest[len(line):]
			w.spans = scan(m, line, w.spans[:0])
			out = replace(line, w.spans, out)
		}
		w.out, text = out, out
	}
	_, err := w.w.Write(text)
	rest := copy(w.pending, w.pending[n:])
	w.pending = w.pending[:rest]
	if cap(w.pending) > 4*MaxLine && rest < MaxLine {
		w.pending = append([]byte(nil), w.pending...) // let a huge line's buffer go
	}
	return err
}

// safeCut returns how much of an overlong pending line can be written out:
// everything before the last m.maxLen-1 bytes (where a secret might still be
// completed by later bytes), moved back to the start of any secret that
// stretch would cut through. Only when that secret starts the line (a run of
// overlapping occurrences longer than MaxLine, which no honest log holds) is
// the cut moved forward to its end instead, so that memory stays bounded.
func (w *Writer) safeCut(m *matcher) int {
	if m == nil {
		return len(w.pending)
	}
	cut := len(w.pending) - (m.maxLen - 1)
	if cut <= 0 {
		return 0 // a secret longer than the line so far: wait for more
	}
	w.spans = scan(m, w.pending, w.spans[:0])
	for _, sp := range w.spans {
		if sp.start < cut && cut < sp.end {
			if sp.start == 0 {
				return sp.end
			}
			return sp.start
		}
	}
	return cut
}
