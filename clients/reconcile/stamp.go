package reconcile

import (
	"os"
	"time"
)

// fileStamp is what stat said of a client file at a moment: enough to tell, without reading
// it, that the file was not written since.
type fileStamp struct {
	info  os.FileInfo // nil: no stamp
	taken time.Time
}

// racyWindow: a file modified this shortly before its stamp was taken may be written again
// within the same tick of a coarse file system clock, keeping its size and time; its stamp
// proves nothing until it is older (git's "racily clean" rule), and the content is compared.
const racyWindow = 2 * time.Second

// stampOf stats path now; a file that cannot be stat'ed gets no stamp.
func stampOf(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	return fileStamp{info: fi, taken: time.Now()}
}

// unchanged reports whether path is still the file stamped, by stat alone: the same file
// (not replaced by a rename), of the same size and modification time, which was well before
// the stamp was taken. false means "read it to know".
func (s fileStamp) unchanged(path string) bool {
	if s.info == nil || s.info.ModTime().After(s.taken.Add(-racyWindow)) {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && os.SameFile(fi, s.info) && fi.Size() == s.info.Size() && fi.ModTime().Equal(s.info.ModTime())
}
