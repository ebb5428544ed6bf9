package api

import (
	"context"
	"encoding/json"

	"github.com/mcptray/mcptray/control"
)

// None is the params or result of a method that takes or gives nothing. It is sent as no
// params, and read from any answer.
type None struct{}

// Loosening says whether a method may loosen what the person chose, so that only the person
// may call it (DESIGN.md, "Who may loosen"); the daemon's authority check enforces it.
type Loosening int

const (
	// Tightens: anyone may call the method (it reads, or only tightens).
	Tightens Loosening = iota
	// Loosens: every call of the method loosens; only the person may make it.
	Loosens
	// LoosensSometimes: some params loosen (Method.LoosensWhen says which); those calls only the
	// person may make.
	LoosensSometimes
)

// Method declares a control method with one answer: its name on the wire, its params type P
// and its result type R. Declare each once, in this package, as a package variable.
type Method[P, R any] struct {
	// Name is the method on the wire; only this package spells it.
	Name string
	// Doc says in one sentence what the method does, for docs/app-api.md.
	Doc string
	// Errors are the sentinels the method returns beyond ErrFailed, ErrInternal and the
	// ErrBadRequest of params that do not decode, which any method can return.
	Errors []error
	// Loosens says whether the person alone may call it; LoosensWhen says which calls loosen
	// when that is LoosensSometimes.
	Loosens     Loosening
	LoosensWhen string
}

// Stream declares a streaming method: its name on the wire, its params type P and the type E
// of each event it sends. The daemon ends a stream cleanly, with an error, or never (until the
// caller hangs up).
type Stream[P, E any] struct {
	Name        string
	Doc         string
	Errors      []error
	Loosens     Loosening
	LoosensWhen string
}

// Call runs method m with params p on the daemon at c and returns its decoded result. It
// returns ErrNotRunning when no daemon answers, and an *Error (errors.Is with its code's
// sentinel) when the daemon refuses or fails.
func Call[P, R any](ctx context.Context, c *control.Client, m Method[P, R], p P) (R, error) {
	var r R
	err := c.Call(ctx, m.Name, params(p), &r)
	return r, fromWire(err)
}

// OpenStream runs stream s with params p, calling each with every event until the daemon ends
// the stream (nil), each returns an error (returned as is), ctx ends or the daemon goes away.
// Daemon failures come back as in Call.
func OpenStream[P, E any](ctx context.Context, c *control.Client, s Stream[P, E], p P, each func(E) error) error {
	err := c.Stream(ctx, s.Name, params(p), func(raw json.RawMessage) error {
		var e E
		if err := json.Unmarshal(raw, &e); err != nil {
			return &Error{Code: control.CodeFailed, Message: "MCP Tray sent an event this version cannot read; is the mcptray command older than the running app?"}
		}
		return each(e)
	})
	return fromWire(err)
}

// OpenStreamRaw is OpenStream for a caller that passes the daemon's events on as they came
// (the command line's --json): each gets every event's JSON line undecoded.
func OpenStreamRaw[P, E any](ctx context.Context, c *control.Client, s Stream[P, E], p P, each func(json.RawMessage) error) error {
	return fromWire(c.Stream(ctx, s.Name, params(p), each))
}

// params is what Call sends for p: nothing for None.
func params(p any) any {
	if _, ok := p.(None); ok {
		return nil
	}
	return p
}

// Handle registers f as method m's handler on srv: f gets decoded params, and its result is
// sent as m's result type. Register before srv serves.
func Handle[P, R any](srv *control.Server, m Method[P, R], f func(ctx context.Context, p P) (R, error)) {
	srv.Handle(m.Name, func(ctx context.Context, raw json.RawMessage) (any, error) {
		p, err := Decode[P](raw)
		if err != nil {
			return nil, err
		}
		r, err := f(ctx, p)
		if err != nil {
			return nil, toWire(err)
		}
		if _, none := any(r).(None); none {
			return nil, nil // no result, as a method without one always answered
		}
		return r, nil
	})
}

// HandleStream registers f as stream s's producer on srv: f gets decoded params and a send
// that takes s's event type; it returns nil to end the stream cleanly. Register before srv
// serves.
func HandleStream[P, E any](srv *control.Server, s Stream[P, E], f func(ctx context.Context, p P, send func(E) error) error) {
	srv.HandleStream(s.Name, func(ctx context.Context, raw json.RawMessage, send func(any) error) error {
		p, err := Decode[P](raw)
		if err != nil {
			return err
		}
		return toWire(f(ctx, p, func(e E) error { return send(e) }))
	})
}

// Decode reads params sent on the wire: none (or JSON null) gives P's zero value; JSON that
// does not decode into P is refused with ErrBadRequest in one plain sentence.
func Decode[P any](raw json.RawMessage) (P, error) {
	var p P
	if len(raw) == 0 || string(raw) == "null" {
		return p, nil
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return p, &control.Error{Code: control.CodeBadRequest, Message: "MCP Tray could not read the request's parameters."}
	}
	return p, nil
}
