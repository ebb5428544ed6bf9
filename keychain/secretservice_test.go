package keychain

import (
	"context"
	"errors"
	"os"
	"testing"
)

// noSecretService is how a test that needs a real Secret Service fails
// without one.
const noSecretService = "no Secret Service on the session bus: run the tests with `make test` (it starts gnome-keyring under dbus-run-session)"

// isolatedKeyringEnv is set by run-with-secret-service.sh. Without it the
// session bus may be the person's own, and the tests would write into their
// keyring (or make it ask for their password): they refuse.
const isolatedKeyringEnv = "MCPTRAY_TEST_ISOLATED_KEYRING"

// secretService returns the System store after making sure the throwaway
// Secret Service of run-with-secret-service.sh answers.
func secretService(t testing.TB) Store {
	t.Helper()
	if os.Getenv(isolatedKeyringEnv) != "1" {
		t.Fatal(noSecretService + " (" + isolatedKeyringEnv + " is not set, so this is not the throwaway keyring of keychain/run-with-secret-service.sh, and the tests will not touch your own)")
	}
	s := System(Options{})
	err := s.Delete(context.Background(), "mcptray-test-probe", "PROBE")
	switch {
	case errors.Is(err, ErrNotFound):
		return s
	case errors.Is(err, ErrUnavailable):
		t.Fatalf("%s; the keychain said: %v", noSecretService, err)
	case err != nil:
		var oe *OpError
		errors.As(err, &oe)
		t.Fatalf("probing the Secret Service: %v (the keychain said: %v)", err, oe.Cause)
	}
	return s
}
