//go:build !linux

package main

import "errors"

// sessionKeyring: the kernel keyring is Linux's.
func sessionKeyring() error { return errors.New("no kernel keyring on this system") }
