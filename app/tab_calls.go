package app

import (
	"context"
	"errors"
	"time"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/prose"
)

// callTimeout bounds one control call from a tab. It is long because a keychain unlock prompt
// may wait for the person.
const callTimeout = 2 * time.Minute

// callThen runs a daemon method off the UI goroutine and hands the result to done on the UI
// goroutine. It never blocks the caller.
func callThen[T any](u *UI, method string, params any, done func(T, error)) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		var res T
		err := u.opts.Client.Call(ctx, method, params, &res)
		u.do(func() { done(res, err) })
	}()
}

// callDone runs a daemon method for its effect: a failure becomes a dialog, success calls
// then (which may be nil) on the UI goroutine.
func (u *UI) callDone(method string, params any, then func()) {
	callThen(u, method, params, func(_ struct{}, err error) {
		if err != nil {
			u.window().showError(err)
			return
		}
		if then != nil {
			then()
		}
	})
}

// sentence turns an error into the one sentence a person reads: the daemon's own sentence
// when it sent one, else the text with a full stop.
func sentence(err error) string {
	if err == nil {
		return ""
	}
	var ce *control.Error
	if errors.As(err, &ce) {
		return prose.Finish(ce.Message)
	}
	if errors.Is(err, control.ErrNotRunning) {
		return prose.Finish(control.ErrNotRunning.Error())
	}
	return prose.Finish(err.Error())
}
