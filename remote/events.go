package remote

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
)

// event is one server-sent event (text/event-stream).
type event struct {
	Type string // "" means "message"
	Data string
	ID   string
}

// maxEvent bounds one event's size: a server cannot make MCP Tray hold unbounded memory.
const maxEvent = 64 << 20

var errEventTooLarge = errors.New("the remote server sent an event larger than 64 MB")

// cursor is where a stream of events may be resumed from: the last event id the server gave
// (set when an event is dispatched, with data or without, as the event stream format says)
// and the reconnection delay it asked for with "retry:".
type cursor struct {
	ID    string
	Retry time.Duration // 0 when the server named none
}

// maxRetry bounds the reconnection delay a server may ask for.
const maxRetry = time.Minute

// readEvents reads server-sent events from r and calls emit for each one with data, until r
// ends (io.EOF is returned as nil) or emit returns an error.
func readEvents(r io.Reader, emit func(event) error) error {
	return readStream(r, nil, emit)
}

// readStream is readEvents that also keeps cur (when not nil) up to date.
func readStream(r io.Reader, cur *cursor, emit func(event) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var ev event
	if cur != nil {
		ev.ID = cur.ID // a resumed stream goes on from where the last one was
	}
	var data strings.Builder
	have := false
	for {
		line, err := readLine(br)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if line == "" {
			if cur != nil {
				cur.ID = ev.ID
			}
			if have {
				ev.Data = strings.TrimSuffix(data.String(), "\n")
				if err := emit(ev); err != nil {
					return err
				}
			}
			ev, have = event{ID: ev.ID}, false
			data.Reset()
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			ev.Type = value
		case "data":
			if data.Len()+len(value) > maxEvent {
				return errEventTooLarge
			}
			data.WriteString(value)
			data.WriteByte('\n')
			have = true
		case "id":
			// Not NUL, as the event stream format says; and the id must go back in a
			// Last-Event-ID header, so nothing a header cannot hold, and not megabytes
			// (one that cannot is ignored: resuming goes on from the id before).
			if validEventID(value) {
				ev.ID = value
			}
		case "retry":
			if ms, err := strconv.ParseUint(value, 10, 32); err == nil && cur != nil {
				cur.Retry = min(time.Duration(ms)*time.Millisecond, maxRetry)
			}
		}
	}
}

// maxEventID bounds an event id MCP Tray keeps to send back.
const maxEventID = 1 << 10

// validEventID reports whether id can be sent back as Last-Event-ID: not too long, and no
// control character (NUL, CR and the rest: net/http refuses such a header).
func validEventID(id string) bool {
	if len(id) > maxEventID {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x20 && id[i] != '\t' || id[i] == 0x7f {
			return false
		}
	}
	return true
}

// readLine reads one line ending in \n, \r\n or \r (the \r-only form is read as a line end
// followed by an empty remainder, which the stream format allows).
func readLine(br *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		part, err := br.ReadSlice('\n')
		if b.Len()+len(part) > maxEvent {
			return "", errEventTooLarge
		}
		b.Write(part)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && (err != io.EOF || b.Len() == 0) {
			return "", err
		}
		s := strings.TrimSuffix(b.String(), "\n")
		return strings.TrimSuffix(s, "\r"), nil
	}
}
