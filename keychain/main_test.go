package keychain

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"
)

// childEnv, when set, makes the test binary act as the child process of a
// test (go-plugin style) instead of running tests.
const childEnv = "MCPTRAY_KEYCHAIN_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "probe" {
		os.Exit(probeChild())
	}
	os.Exit(m.Run())
}

// probeResult is what a probe child reports on stdout.
type probeResult struct {
	Unavailable bool   `json:"unavailable"`
	Locked      bool   `json:"locked"`
	Error       string `json:"error"`
	Cause       string `json:"cause"`
}

// probeChild reads one secret from the system store of whatever session it
// was started in and reports how that failed.
func probeChild() int {
	_, err := System(Options{Timeout: 10 * time.Second}).Get(context.Background(), "probe", "TOKEN")
	r := probeResult{
		Unavailable: errors.Is(err, ErrUnavailable),
		Locked:      errors.Is(err, ErrLocked),
	}
	if err != nil {
		r.Error = err.Error()
	}
	var oe *OpError
	if errors.As(err, &oe) && oe.Cause != nil {
		r.Cause = oe.Cause.Error()
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		return 1
	}
	return 0
}
