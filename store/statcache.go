package store

import (
	"io/fs"
	"sync"
	"time"
)

// Reading every file of a tree before each start costs about 100 ms for a tree of 3,900
// files (the everything server) on a small machine. Files whose status is unchanged since
// they were last read in this process are not read again: the status includes the change
// time (ctime), which a program cannot set, and the inode, so writing a file, replacing it
// or changing its mode all make it read again. The cache lives in memory only: a cache on
// disk could be rewritten by any program of the person's along with the file it vouches for.

type statKey struct {
	size, ino, dev uint64
	mtime, ctime   int64 // nanoseconds
	mode           fs.FileMode
}

type statCache struct {
	mu   sync.Mutex
	sums map[string]cachedSum
}

type cachedSum struct {
	key       statKey
	sum, kind string
}

var sums = statCache{sums: map[string]cachedSum{}}

// racyWindow keeps a file out of the cache while its change time is this recent: a write in
// the same tick of the file system's clock could leave the change time as it was.
const racyWindow = 2 * time.Second

func (c *statCache) get(path string, info fs.FileInfo) (sum, kind string, ok bool) {
	k, ok := keyOf(info)
	if !ok {
		return "", "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.sums[path]
	if !ok || e.key != k {
		return "", "", false
	}
	return e.sum, e.kind, true
}

func (c *statCache) put(path string, info fs.FileInfo, sum, kind string) {
	k, ok := keyOf(info)
	if !ok || time.Since(time.Unix(0, k.ctime)) < racyWindow {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sums[path] = cachedSum{k, sum, kind}
}

// forget drops every cached file under dir (a removed version).
func (c *statCache) forget(dir string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for p := range c.sums {
		if within(p, dir) {
			delete(c.sums, p)
		}
	}
}
