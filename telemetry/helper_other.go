//go:build !windows

package telemetry

import "os/exec"

// quiet does nothing outside Windows: a helper opens no window there.
func quiet(*exec.Cmd) {}
