//go:build !linux

package testbin

import (
	"testing"
	"time"
)

// WaitExit waits until every one of pids has exited, failing the test with a sentence naming
// what and the survivor after 20 s. Without pidfds it asks Alive, backing off to 100 ms.
func WaitExit(t testing.TB, what string, pids ...int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, pid := range pids {
		for delay := time.Millisecond; Alive(pid); delay = min(delay*2, 100*time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("process %d is still alive: %s did not happen within 20 s", pid, what)
			}
			time.Sleep(delay)
		}
	}
}
