// Package filelock takes exclusive advisory locks on files, one way on every system: flock on
// Unix, LockFileEx on Windows. A lock goes with the process, so a crashed holder never leaves
// it taken.
package filelock

import "errors"

// ErrLocked is returned by TryLock when another process holds the lock.
var ErrLocked = errors.New("locked by another process")

// Lock takes an exclusive lock on path (created 0600 if missing), blocking until it is free.
// unlock releases it; calling unlock twice is not allowed.
func Lock(path string) (unlock func(), err error) { return lock(path, true) }

// TryLock takes an exclusive lock on path without waiting; it returns ErrLocked when another
// process holds it.
func TryLock(path string) (unlock func(), err error) { return lock(path, false) }
