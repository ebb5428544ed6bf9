package clients

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrInvalidFile means a client file does not parse; MCP Tray did not write it.
	ErrInvalidFile = errors.New("client file does not parse")
	// ErrUnsupportedContent means a client file parses but holds something MCP Tray cannot
	// write back safely (comments in a strict-JSON file, a list where an object belongs, …);
	// MCP Tray did not write it.
	ErrUnsupportedContent = errors.New("client file holds content MCP Tray cannot edit safely")
	// ErrChangedMeanwhile means the file changed between MCP Tray reading it and writing it
	// (usually the client saved it); MCP Tray did not write it. Calling again is safe.
	ErrChangedMeanwhile = errors.New("client file changed while MCP Tray was editing it")
	// ErrReadOnly means the person made the file read-only (people do, to stop a client
	// rewriting it); MCP Tray leaves such a file alone rather than replace it through its
	// folder.
	ErrReadOnly = errors.New("client file is read-only")
	// ErrNotFound means the entry asked for is not in the file.
	ErrNotFound = errors.New("no such entry in the client file")
	// ErrNoBackup means there is no backup to restore.
	ErrNoBackup = errors.New("no backup of the client file")
)

// FileError is a problem with one client file. Its Error is one sentence a person can act on,
// for example: "Cursor's config file /home/x/.cursor/mcp.json is not valid JSON (line 7,
// column 3: invalid character '}' at start of value); MCP Tray left it untouched." Use
// errors.Is with the Err* values above to tell the cases apart.
type FileError struct {
	Client string // the client's name, such as "Cursor"
	Path   string
	Line   int    // 1-based; 0 when the problem is not at one place
	Column int    // 1-based; 0 when unknown
	Reason string // the middle of the sentence, such as "is not valid JSON (line 7, …)"
	Err    error  // one of the Err* values, or an I/O error
}

// Error is the one sentence for the person.
func (e *FileError) Error() string {
	if errors.Is(e.Err, ErrChangedMeanwhile) {
		return fmt.Sprintf("%s's config file %s %s.", e.Client, e.Path, e.Reason)
	}
	return fmt.Sprintf("%s's config file %s %s; MCP Tray left it untouched.", e.Client, e.Path, e.Reason)
}

// Unwrap gives the Err* value (or I/O error) behind the sentence.
func (e *FileError) Unwrap() error { return e.Err }

// syntaxError is a format's report that content does not parse.
type syntaxError struct {
	line, column int
	msg          string
}

func (e *syntaxError) Error() string {
	switch {
	case e.line == 0:
		return e.msg
	case e.column == 0:
		return fmt.Sprintf("line %d: %s", e.line, e.msg)
	}
	return fmt.Sprintf("line %d, column %d: %s", e.line, e.column, e.msg)
}

// contentError is a format's report that content parses but cannot be edited safely. Its
// message completes "<client>'s config file <path> …".
type contentError struct {
	line int // 0 when not at one place
	msg  string
}

func (e *contentError) Error() string { return e.msg }

// fileError turns a format's error into the sentence for a person.
func fileError(c Client, path, kind string, err error) error {
	fe := &FileError{Client: c.Name(), Path: path}
	var se *syntaxError
	var ce *contentError
	switch {
	case errors.As(err, &se):
		fe.Line, fe.Column, fe.Err = se.line, se.column, ErrInvalidFile
		fe.Reason = fmt.Sprintf("is not valid %s (%s)", kind, se)
	case errors.As(err, &ce):
		fe.Line, fe.Err = ce.line, ErrUnsupportedContent
		fe.Reason = strings.ReplaceAll(ce.msg, "{client}", c.Name())
	case errors.Is(err, ErrReadOnly):
		fe.Err = ErrReadOnly
		fe.Reason = "is read-only, so MCP Tray did not add or change its servers there (make the file writable if MCP Tray should)"
	case errors.Is(err, ErrChangedMeanwhile):
		fe.Err = ErrChangedMeanwhile
		fe.Reason = fmt.Sprintf("changed while MCP Tray was updating it (%s probably saved it at that moment), so MCP Tray did not write it; try again", c.Name())
	default:
		return fmt.Errorf("editing %s's config file %s: %w", c.Name(), path, err)
	}
	return fe
}
