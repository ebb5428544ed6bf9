package keychain

import (
	"context"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// DefaultTimeout is the timeout of a System store whose Options leave it zero.
const DefaultTimeout = 10 * time.Second

// Options configures System. The zero value means sensible defaults.
type Options struct {
	// Timeout bounds every call to the credential store, including the time
	// spent waiting for an earlier call to finish. Zero means DefaultTimeout.
	Timeout time.Duration
}

// backend is the credential store as go-keyring presents it. Tests replace it
// to make it block or fail.
type backend struct {
	get func(service, user string) (string, error)
	set func(service, user, value string) error
	del func(service, user string) error
}

// goKeyring is go-keyring, behind the platform's check that its store can be reached without
// starting anything (see sessionBus).
var goKeyring = backend{
	get: func(service, user string) (string, error) {
		if err := sessionBus(); err != nil {
			return "", err
		}
		return keyring.Get(service, user)
	},
	set: func(service, user, value string) error {
		if err := sessionBus(); err != nil {
			return err
		}
		return keyring.Set(service, user, value)
	},
	del: func(service, user string) error {
		if err := sessionBus(); err != nil {
			return err
		}
		return keyring.Delete(service, user)
	},
}

// System returns the Store backed by the operating system's credential store.
//
// A credential store may show an unlock prompt and wait for the person without
// limit, and go-keyring cannot be interrupted. So every call runs the
// go-keyring call in its own goroutine and gives up after Options.Timeout with
// ErrTimeout (or when ctx ends, with ctx's error); the go-keyring call then
// finishes in the background. Calls are serialized: at most one go-keyring
// call runs per Store, so a pending prompt is not stacked up by further
// calls (they time out waiting for it) and at most one goroutine is left
// behind by a credential store that never answers.
func System(opts Options) Store {
	return newSystem(opts, goKeyring)
}

func newSystem(opts Options, be backend) *system {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	return &system{timeout: opts.Timeout, be: be, slot: make(chan struct{}, 1)}
}

type system struct {
	timeout time.Duration
	be      backend
	slot    chan struct{} // holds a token while a backend call runs
}

// Get implements Store.
func (s *system) Get(ctx context.Context, server, key string) (string, error) {
	const op = "reading"
	if err := checkNames(server, key); err != nil {
		return "", plainOpError(op, server, key, err)
	}
	var value string
	err := s.call(ctx, func() error {
		v, err := s.be.get(Service, user(server, key))
		value = v
		return err
	})
	if err != nil {
		return "", opError(op, server, key, err, "")
	}
	return value, nil
}

// Set implements Store.
func (s *system) Set(ctx context.Context, server, key, value string) error {
	const op = "storing"
	if err := checkNames(server, key); err != nil {
		return plainOpError(op, server, key, err)
	}
	if err := checkValue(server, key, value); err != nil {
		return plainOpError(op, server, key, err)
	}
	err := s.call(ctx, func() error { return s.be.set(Service, user(server, key), value) })
	if err != nil {
		return opError(op, server, key, err, value)
	}
	return nil
}

// Delete implements Store.
func (s *system) Delete(ctx context.Context, server, key string) error {
	const op = "deleting"
	if err := checkNames(server, key); err != nil {
		return plainOpError(op, server, key, err)
	}
	if err := s.call(ctx, func() error { return s.be.del(Service, user(server, key)) }); err != nil {
		return opError(op, server, key, err, "")
	}
	return nil
}

// List implements Store. It reads each value to learn whether it exists (the
// credential stores have no cheaper question) and drops it at once.
func (s *system) List(ctx context.Context, server string, keys []string) ([]Item, error) {
	return listWith(ctx, s.Get, server, keys)
}

// callError is an error of call itself rather than of the backend.
type callError struct{ err error }

func (e callError) Error() string { return e.err.Error() }

// call runs fn, the go-keyring call, in its own goroutine once no other call
// is running, and waits for it until the timeout or the end of ctx.
func (s *system) call(ctx context.Context, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return callError{err}
	}
	timer := time.NewTimer(s.timeout)
	defer timer.Stop()

	select {
	case s.slot <- struct{}{}:
	case <-timer.C:
		return callError{ErrTimeout}
	case <-ctx.Done():
		return callError{ctx.Err()}
	}

	done := make(chan error, 1) // buffered: the goroutine never blocks on a caller that left
	go func() {
		defer func() { <-s.slot }()
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("go-keyring panicked: %v", p)
			}
		}()
		done <- fn()
	}()

	select {
	case err := <-done:
		return err
	case <-timer.C:
		return callError{ErrTimeout}
	case <-ctx.Done():
		return callError{ctx.Err()}
	}
}

// opError turns an error of call into an *OpError, classifying backend
// errors and keeping value out of the cause.
func opError(op, server, key string, err error, value string) *OpError {
	if ce, ok := err.(callError); ok {
		return plainOpError(op, server, key, ce.err)
	}
	e := &OpError{Op: op, Server: server, Key: key, Err: classify(err)}
	if e.Err != ErrNotFound && e.Err != ErrTooLarge {
		e.Cause = withoutValue(describeCause(err), value)
	}
	return e
}
