package keychain

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// blockingBackend is a credential store that does not answer until release is
// closed, like one waiting for the person to unlock it.
func blockingBackend(release <-chan struct{}) backend {
	return backend{
		get: func(service, user string) (string, error) { <-release; return "late", nil },
		set: func(service, user, value string) error { <-release; return nil },
		del: func(service, user string) error { <-release; return nil },
	}
}

func TestTimeout(t *testing.T) {
	const timeout = 50 * time.Millisecond
	release := make(chan struct{})
	s := newSystem(Options{Timeout: timeout}, blockingBackend(release))

	calls := []struct {
		op   string
		call func() error
	}{
		{"reading", func() error { _, err := s.Get(t.Context(), "srv", "TOKEN"); return err }},
		// This one and the next wait for the first, which never ends.
		{"storing", func() error { return s.Set(t.Context(), "srv", "TOKEN", "some-value") }},
		{"deleting", func() error { return s.Delete(t.Context(), "srv", "TOKEN") }},
	}
	for _, c := range calls {
		start := time.Now()
		err := c.call()
		elapsed := time.Since(start)
		wantOpError(t, err, c.op, "srv", "TOKEN", ErrTimeout)
		if elapsed < timeout || elapsed > timeout+2*time.Second {
			t.Errorf("%s gave up after %v, want about %v", c.op, elapsed, timeout)
		}
	}

	// Once the store answers, the next call goes through.
	close(release)
	s.timeout = 10 * time.Second
	if v, err := s.Get(t.Context(), "srv", "TOKEN"); err != nil || v != "late" {
		t.Errorf("Get after the store answered = %q, %v; want %q, nil", v, err, "late")
	}
}

func TestCallerCancelsWhileStoreBlocks(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	s := newSystem(Options{Timeout: time.Hour}, blockingBackend(release))
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() {
		_, err := s.Get(ctx, "srv", "TOKEN")
		errc <- err
	}()
	cancel()
	select {
	case err := <-errc:
		wantOpError(t, err, "reading", "srv", "TOKEN", context.Canceled)
	case <-time.After(10 * time.Second):
		t.Fatal("Get did not return after its context was cancelled")
	}
}

func TestDefaultTimeout(t *testing.T) {
	if got := System(Options{}).(*system).timeout; got != DefaultTimeout {
		t.Errorf("timeout of System(Options{}) = %v, want %v", got, DefaultTimeout)
	}
}

func TestChecksComeBeforeTheStore(t *testing.T) {
	called := false
	fail := func(...string) { called = true }
	s := newSystem(Options{}, backend{
		get: func(service, user string) (string, error) { fail(); return "", nil },
		set: func(service, user, value string) error { fail(); return nil },
		del: func(service, user string) error { fail(); return nil },
	})
	wantOpError(t, s.Set(t.Context(), "srv", "BIG", strings.Repeat("x", 64<<10)), "storing", "srv", "BIG", ErrTooLarge)
	wantOpError(t, s.Set(t.Context(), "srv", "EMPTY", ""), "storing", "srv", "EMPTY", ErrInvalidValue)
	wantOpError(t, s.Set(t.Context(), "srv", "bad-key", "value"), "storing", "srv", "bad-key", ErrInvalidName)
	_, err := s.Get(t.Context(), "", "TOKEN")
	wantOpError(t, err, "reading", "", "TOKEN", ErrInvalidName)
	wantOpError(t, s.Delete(t.Context(), "srv\n", "TOKEN"), "deleting", "srv\n", "TOKEN", ErrInvalidName)
	if called {
		t.Error("the credential store was called for a request that should have been refused before")
	}
}

func TestBackendErrorsAreClassified(t *testing.T) {
	const value = "hunter2-super-secret"
	s := newSystem(Options{}, backend{
		get: func(service, user string) (string, error) { return "", errors.New("something odd happened") },
		// A store that echoes the value in its error must not leak it.
		set: func(service, user, v string) error { return errors.New("cannot store " + v + " today") },
		del: func(service, user string) error { panic("boom") },
	})

	_, err := s.Get(t.Context(), "srv", "TOKEN")
	wantOpError(t, err, "reading", "srv", "TOKEN", ErrBackend)
	if !strings.Contains(err.Error(), "something odd happened") {
		t.Errorf("error %q does not carry the store's own message, the only clue to an unknown failure", err)
	}

	err = s.Set(t.Context(), "srv", "TOKEN", value)
	wantOpError(t, err, "storing", "srv", "TOKEN", ErrBackend)
	var oe *OpError
	if errors.As(err, &oe) && (strings.Contains(err.Error(), value) || strings.Contains(oe.Cause.Error(), value)) {
		t.Errorf("error %q (cause %q) contains the secret value", err, oe.Cause)
	}

	// A panic in the store becomes an error, and frees the store for the next call.
	wantOpError(t, s.Delete(t.Context(), "srv", "TOKEN"), "deleting", "srv", "TOKEN", ErrBackend)
	wantOpError(t, s.Delete(t.Context(), "srv", "TOKEN"), "deleting", "srv", "TOKEN", ErrBackend)
}

func TestSentencesArePlain(t *testing.T) {
	for _, err := range []error{ErrNotFound, ErrTooLarge, ErrUnavailable, ErrLocked, ErrDenied, ErrTimeout,
		ErrInvalidName, ErrInvalidValue, ErrBackend,
		&MissingError{Server: "github", Keys: []string{"A"}}, &MissingError{Server: "github", Keys: []string{"A", "B", "C"}}} {
		msg := err.Error()
		if msg == "" || !strings.HasSuffix(msg, ".") || strings.ToUpper(msg[:1]) != msg[:1] || strings.ContainsAny(msg, "\n\t") {
			t.Errorf("%q is not one sentence starting with a capital letter and ending with a period", msg)
		}
		for _, jargon := range []string{"dbus", "D-Bus", "org.freedesktop", "errno", "exit status", "nil"} {
			if strings.Contains(msg, jargon) {
				t.Errorf("%q speaks of %q, which means nothing to most people", msg, jargon)
			}
		}
	}
	got := (&MissingError{Server: "github", Keys: []string{"A", "B", "C"}}).Error()
	want := "The secrets A, B and C of server github are not set in the system keychain; set them in MCP Tray (or with `mcptray secret set github KEY`) and start the server again."
	if got != want {
		t.Errorf("MissingError = %q, want %q", got, want)
	}
}
