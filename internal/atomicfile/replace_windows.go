package atomicfile

import (
	"errors"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// irregularIsFile: since Go 1.23, Lstat reports a file behind a reparse point other than a link
// (a cloud-synced or deduplicated file) as irregular; it is still a file to replace.
const irregularIsFile = true

// chmodTemp does nothing: the new file takes its folder's permissions, or the replaced file's
// (replace); Chmod on Windows would only set the read-only attribute.
func chmodTemp(*os.File, os.FileMode) error { return nil }

var procReplaceFileW = windows.NewLazySystemDLL("kernel32.dll").NewProc("ReplaceFileW")

// replace puts tmp in path's place. ReplaceFileW keeps the replaced file's permissions (ACLs),
// attributes, creation time and alternate streams, which a rename would lose; when there is no
// file to replace yet, a rename is all there is to do.
func replace(tmp, path string) error {
	err := replaceFile(path, tmp)
	if err == nil || !errors.Is(err, windows.ERROR_FILE_NOT_FOUND) {
		return err
	}
	return os.Rename(tmp, path)
}

func replaceFile(replaced, replacement string) error {
	if err := procReplaceFileW.Find(); err != nil {
		return err
	}
	dst, err := windows.UTF16PtrFromString(replaced)
	if err != nil {
		return err
	}
	src, err := windows.UTF16PtrFromString(replacement)
	if err != nil {
		return err
	}
	// BOOL ReplaceFileW(replaced, replacement, backup, flags, exclude, reserved)
	r, _, e := procReplaceFileW.Call(uintptr(unsafe.Pointer(dst)), uintptr(unsafe.Pointer(src)), 0, 0, 0, 0)
	if r != 0 {
		return nil
	}
	if errno, ok := e.(windows.Errno); ok && errno != 0 {
		return errno
	}
	return windows.ERROR_GEN_FAILURE
}
