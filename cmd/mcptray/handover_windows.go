//go:build !gui

package main

import (
	"os"
	"os/exec"
)

const exeSuffix = ".exe"

// handOver starts the tray app and waits for it (Windows has no exec).
func handOver(app string) error {
	cmd := exec.Command(app)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return cmd.Run()
}
