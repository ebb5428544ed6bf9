package api

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mcptray/mcptray/control"
)

// The errors a method can return, one per code on the wire. Match them with errors.Is on any
// error Call, OpenStream or a handler returns; the error's text is the daemon's sentence for a
// person, not the sentinel's.
var (
	// ErrNotFound: what the request names (a server, an approval, an AI client) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrBadRequest: the params could not be read, or ask for something that cannot be.
	ErrBadRequest = errors.New("bad request")
	// ErrFailed: the daemon tried and could not; the sentence says why.
	ErrFailed = errors.New("failed")
	// ErrNotFromPerson: only the person may approve or loosen, and the request came from a
	// server MCP Tray started or from an AI app (or from something they ran).
	ErrNotFromPerson = errors.New("not from the person")
	// ErrInternal: the request hit a bug in MCP Tray (its handler panicked); nothing else ended.
	ErrInternal = errors.New("internal error")
	// ErrNeedsConfirmation: a switch to a production Kubernetes context was not confirmed; ask
	// the person, then call KubeUse again with Yes.
	ErrNeedsConfirmation = errors.New("needs confirmation")
	// ErrAlreadyAnswered: the held call was answered already (by the person elsewhere, or it
	// timed out); there is nothing left to answer.
	ErrAlreadyAnswered = errors.New("already answered")
	// ErrUnknownMethod: the running daemon does not know the method (it is older than the
	// caller). It also matches ErrBadRequest, the code daemons built before unknown_method
	// send it with.
	ErrUnknownMethod = errors.New("unknown method")
)

// ErrNotRunning is returned when no daemon answers; its text is the sentence a person sees.
var ErrNotRunning = control.ErrNotRunning

// codes maps each sentinel to its stable code on the wire, and back.
var codes = []struct {
	code string
	err  error
}{
	{control.CodeNotFound, ErrNotFound},
	{control.CodeBadRequest, ErrBadRequest},
	{control.CodeFailed, ErrFailed},
	{control.CodeNotFromPerson, ErrNotFromPerson},
	{control.CodeInternal, ErrInternal},
	{"needs_confirmation", ErrNeedsConfirmation},
	{"already_answered", ErrAlreadyAnswered},
	{control.CodeUnknownMethod, ErrUnknownMethod},
}

// legacyUnknownMethod begins the sentence daemons built before control.CodeUnknownMethod sent
// with bad_request for a method they did not know. It is still read because a caller can be
// newer than the daemon that answers it: an update replaces the binary while the tray's daemon
// keeps running, and the window and the command line then start from the new one. Nothing
// else is recognised by its text; a daemon from this tree on sends the code.
const legacyUnknownMethod = "MCP Tray does not know the request "

// Code returns the wire code of a sentinel ("" for any other error).
func Code(sentinel error) string {
	for _, c := range codes {
		if c.err == sentinel {
			return c.code
		}
	}
	return ""
}

func sentinel(code string) error {
	for _, c := range codes {
		if c.code == code {
			return c.err
		}
	}
	return nil
}

// Error is a failure the daemon reported, or a handler's error with a code: Message is one
// sentence for a person; errors.Is(err, ErrNotFound) and the like match its Code.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Is matches the sentinel of e's code; an unknown method also matches ErrBadRequest.
func (e *Error) Is(target error) bool {
	if e.Code == control.CodeUnknownMethod && target == ErrBadRequest {
		return true
	}
	s := sentinel(e.Code)
	return s != nil && s == target
}

// Errorf returns an error with the code of sentinel (one of this package's Err values) and the
// sentence format makes, for a handler to return.
func Errorf(sentinel error, format string, args ...any) *Error {
	code := Code(sentinel)
	if code == "" {
		code = control.CodeFailed
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// fromWire turns the daemon's *control.Error into an *Error; any other error is returned as is.
func fromWire(err error) error {
	var ce *control.Error
	if !errors.As(err, &ce) {
		return err
	}
	code := ce.Code
	if code == control.CodeBadRequest && strings.HasPrefix(ce.Message, legacyUnknownMethod) {
		code = control.CodeUnknownMethod // an older daemon's answer (legacyUnknownMethod)
	}
	return &Error{Code: code, Message: ce.Message}
}

// toWire turns a handler's *Error (anywhere in its chain) into the *control.Error the control
// server sends with its code; any other error is returned as is.
func toWire(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return &control.Error{Code: e.Code, Message: e.Message}
	}
	return err
}
