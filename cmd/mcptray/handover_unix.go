//go:build !windows && !gui

package main

import (
	"os"
	"syscall"
)

const exeSuffix = ""

// handOver replaces this process with the tray app.
func handOver(app string) error { return syscall.Exec(app, []string{app}, os.Environ()) }
