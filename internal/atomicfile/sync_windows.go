package atomicfile

// syncDir does nothing on Windows: a folder cannot be synced there, and NTFS journals the
// change of name itself.
func syncDir(string) {}
