//go:build !unix

package store

import "io/fs"

// keyOf has no change time to rely on here: every file is read at every check.
func keyOf(fs.FileInfo) (statKey, bool) { return statKey{}, false }
