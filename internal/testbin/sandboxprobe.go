package testbin

import (
	"testing"

	"github.com/mcptray/mcptray/sandbox"
)

// SandboxProbe returns the path of the hostile probe (internal/sandboxprobe) that tries what a
// malicious server would, building it on first use.
func SandboxProbe() (string, error) { return build("sandboxprobe", "./internal/sandboxprobe") }

// NeedSandbox fails t, saying why, when this machine cannot confine servers fully (Landlock
// and unprivileged user namespaces): a sandbox test that cannot run must not pass.
func NeedSandbox(t testing.TB) {
	t.Helper()
	if st := sandbox.Check(); !st.Supported() || !st.Namespaces {
		t.Fatalf("this machine cannot confine servers fully, so the sandbox cannot be tested here (it needs Landlock and unprivileged user namespaces): %s", st.Gaps())
	}
}
