//go:build gui

package main

import (
	"os"
	"os/signal"
	"syscall"
)

// stopOnSignal calls stop on SIGINT or SIGTERM, so servers are stopped cleanly.
func stopOnSignal(stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ch
		stop()
	}()
}
