package clients

import "os"

// openNoWait opens path for reading; opening a named pipe does not wait on Windows.
func openNoWait(path string) (*os.File, error) { return os.Open(path) }
