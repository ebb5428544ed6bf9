package sandbox

import (
	"os"
	"os/exec"
	"testing"
)

// TestConfinedServerHoldsNoCapabilities: a server confined by MCP Tray run as root holds no
// capability, with namespaces and with Landlock alone (root in a container that allows no
// namespaces): root's would let it load kernel code or send raw packets, which Landlock does
// not govern. Before, only the namespaces mode dropped them. Run by a person (no
// capabilities to begin with) the promise holds trivially, and the check runs all the same.
func TestConfinedServerHoldsNoCapabilities(t *testing.T) {
	needSandbox(t)
	asRoot := os.Geteuid() == 0
	if asRoot {
		open, _ := runProbe(t, nil, "capabilities")
		if !open["capabilities="].OK {
			t.Fatalf("unconfined as root, the probe holds no capability (%s): the test's world is wrong", open["capabilities="].Err)
		}
	} else {
		t.Log("not run as root: the confined probe is checked, but it had no capability to drop")
	}
	for _, mode := range confinedModes() {
		t.Run(mode.name, func(t *testing.T) {
			w := newWorld(t)
			cmd := exec.Command(probePath, "capabilities", "exec=/bin/true")
			if err := wrap(cmd, w.rules(true), mode.st); err != nil {
				t.Fatal(err)
			}
			got, stderr := probeResults(t, cmd, 2)
			if got["capabilities="].OK {
				t.Errorf("a confined server holds capabilities\n%s", stderr)
			}
			if !got["exec=/bin/true"].OK {
				t.Errorf("a confined server could not start a program: %s\n%s", got["exec=/bin/true"].Err, stderr)
			}
		})
	}
}

// confinedModes are the two ways the sandbox confines on Linux: with namespaces (this
// machine's own) and with Landlock alone (Ubuntu without MCP Tray's AppArmor profile, or a
// container that allows no namespaces).
func confinedModes() []struct {
	name string
	st   Status
} {
	return []struct {
		name string
		st   Status
	}{{"namespaces", Check()}, {"Landlock alone", Status{Landlock: landlockABI()}}}
}
