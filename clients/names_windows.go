package clients

import "syscall"

// hasOtherNames reports whether the file at path (the file a link at path points to) has
// more than one name (hard links, which NTFS has too).
func hasOtherNames(path string) bool {
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return false
	}
	h, err := syscall.CreateFile(p, 0, syscall.FILE_SHARE_READ|syscall.FILE_SHARE_WRITE|syscall.FILE_SHARE_DELETE, nil, syscall.OPEN_EXISTING, syscall.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return false
	}
	defer syscall.CloseHandle(h)
	var info syscall.ByHandleFileInformation
	return syscall.GetFileInformationByHandle(h, &info) == nil && info.NumberOfLinks > 1
}
