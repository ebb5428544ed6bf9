//go:build !linux

package main

import "fmt"

// namespaces: namespaces are Linux's.
func namespaces(op, target string) error { return fmt.Errorf("%s is tried on Linux only", op) }
