//go:build !linux

package main

import "errors"

// capabilities: capabilities are Linux's.
func capabilities() error { return errors.New("capabilities are tried on Linux only") }
