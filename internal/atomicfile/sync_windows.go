package atomicfile

// syncDir is a no-op on Windows, where MoveFileEx already flushes the rename.
func syncDir(string) {}
