package clients

import "errors"

// linkCopy is not used on Windows: ReplaceFileW, which replaces the client file there, may
// carry the replaced file's identity over to the new content, and a second name of the old
// file would then not keep the old content. The copy is written instead.
func linkCopy(path, target string) error { return errors.ErrUnsupported }
