//go:build !windows

package main

import (
	"os/exec"
	"syscall"
)

// detach puts cmd in its own session, so it outlives the AI client that started the bridge.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
