package app

import (
	"context"
	"errors"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/prose"
)

// callTimeout bounds one control call from a tab. It is long because a keychain unlock prompt
// may wait for the person.
const callTimeout = 2 * time.Minute

// callThen runs method m off the UI goroutine and hands the result to done on the UI
// goroutine. It never blocks the caller.
func callThen[P, R any](u *UI, m api.Method[P, R], p P, done func(R, error)) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		res, err := api.Call(ctx, u.opts.Client, m, p)
		u.do(func() { done(res, err) })
	}()
}

// callDone runs method m for its effect: a failure becomes a dialog, success calls then
// (which may be nil) on the UI goroutine.
func callDone[P, R any](u *UI, m api.Method[P, R], p P, then func()) {
	callThen(u, m, p, func(_ R, err error) {
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
	var ae *api.Error
	if errors.As(err, &ae) {
		return prose.Finish(ae.Message)
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
