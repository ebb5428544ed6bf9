//go:build !linux

package main

import "fmt"

// sockets: the socket filter is Linux's.
func sockets(op string) error { return fmt.Errorf("%s is tried on Linux only", op) }
