package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The Landlock system calls, straight from golang.org/x/sys/unix. go-landlock would do the
// same but pulls in libpsx, whose cgo build wraps pthread_create in the whole (Fyne, cgo)
// binary; the helper needs none of that, because it restricts only the thread that execs.

// landlockABI returns the kernel's Landlock ABI version, or 0 when Landlock is missing or off.
func landlockABI() int {
	v, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, 0, 0, unix.LANDLOCK_CREATE_RULESET_VERSION)
	if errno != 0 {
		return 0
	}
	return int(v)
}

// fsRights returns every filesystem right the given ABI knows.
func fsRights(abi int) uint64 {
	r := uint64(1<<13 - 1) // ABI 1: execute … make_sym
	if abi >= 2 {
		r |= unix.LANDLOCK_ACCESS_FS_REFER
	}
	if abi >= 3 {
		r |= unix.LANDLOCK_ACCESS_FS_TRUNCATE
	}
	if abi >= 5 {
		r |= unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
	}
	if abi >= 9 {
		r |= unix.LANDLOCK_ACCESS_FS_RESOLVE_UNIX // connect() to path sockets, finally
	}
	return r
}

const (
	readRights = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_READ_FILE | unix.LANDLOCK_ACCESS_FS_READ_DIR
	// fileRights are the only rights a rule on a file (not a folder) may carry.
	fileRights = unix.LANDLOCK_ACCESS_FS_EXECUTE | unix.LANDLOCK_ACCESS_FS_WRITE_FILE | unix.LANDLOCK_ACCESS_FS_READ_FILE |
		unix.LANDLOCK_ACCESS_FS_TRUNCATE | unix.LANDLOCK_ACCESS_FS_IOCTL_DEV
)

// grant is one Landlock rule: rights beneath path. beneath are the folders beneath which no
// link in path is followed (openGrant): the folders the server may change, or the folder a
// carved grant was split from.
type grant struct {
	path    string
	rights  uint64
	beneath []string
}

// grants are r's Landlock rules: Read paths with the read rights, Write paths with all. With
// carve (no namespace hides r.Hide), a grant that holds a hidden place is split around it
// (carved).
func grants(r Rules, all uint64, carve bool) []grant {
	var out []grant
	for _, p := range r.Read {
		out = append(out, grant{p, readRights & all, r.Write})
	}
	for _, p := range r.Write {
		out = append(out, grant{p, all, r.Write})
	}
	if carve {
		out = carved(out, r.Hide)
	}
	return out
}

// restrictThread confines the calling thread (and what it execs) to r; with carve, grants
// around r.Hide are split (the helper could not cover them). The caller must be
// locked to its OS thread and exec from it: Landlock and no_new_privs are per thread, and
// the Go runtime's other threads die at exec. Paths that do not exist are skipped.
func restrictThread(r Rules, abi int, carve bool) error {
	if abi < 1 {
		return errors.New("this Linux kernel has no Landlock")
	}
	all := fsRights(abi)
	attr := unix.LandlockRulesetAttr{Handled_access_fs: all}
	if !r.Network && abi >= 4 {
		attr.Handled_access_net = unix.LANDLOCK_ACCESS_NET_BIND_TCP | unix.LANDLOCK_ACCESS_NET_CONNECT_TCP
	}
	if abi >= 6 {
		// No abstract Unix sockets or signals outside the sandbox: not the D-Bus or X11
		// abstract sockets, not the daemon.
		attr.Scoped = unix.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | unix.LANDLOCK_SCOPE_SIGNAL
	}
	size := unsafe.Sizeof(attr)
	if abi < 6 {
		size = unsafe.Offsetof(attr.Scoped)
	}
	fd, _, errno := unix.Syscall(unix.SYS_LANDLOCK_CREATE_RULESET, uintptr(unsafe.Pointer(&attr)), size, 0)
	if errno != 0 {
		return fmt.Errorf("creating the Landlock rules: %w", errno)
	}
	defer unix.Close(int(fd))
	for _, g := range grants(r, all, carve) {
		if err := allow(int(fd), g.path, g.beneath, g.rights); err != nil {
			return err
		}
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("setting no_new_privs: %w", err)
	}
	var flags uintptr
	if abi >= 7 {
		flags = unix.LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON // denials by the server reach the kernel audit log
	}
	if _, _, errno := unix.Syscall(unix.SYS_LANDLOCK_RESTRICT_SELF, fd, flags, 0); errno != 0 {
		return fmt.Errorf("applying the Landlock rules: %w", errno)
	}
	return nil
}

// allow adds a rule granting rights beneath path (only the file rights when path is a file).
// beneath are the folders beneath which no link is followed (openGrant).
func allow(rulesetFD int, path string, beneath []string, rights uint64) error {
	fd, err := openGrant(path, beneath)
	if err != nil {
		if errors.Is(err, errPlantedLink) {
			return err
		}
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.ENOTDIR) {
			return nil
		}
		return fmt.Errorf("opening %s for the sandbox: %w", path, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return fmt.Errorf("reading %s for the sandbox: %w", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		rights &= fileRights
	}
	rule := unix.LandlockPathBeneathAttr{Allowed_access: rights, Parent_fd: int32(fd)}
	_, _, errno := unix.Syscall6(unix.SYS_LANDLOCK_ADD_RULE, uintptr(rulesetFD), unix.LANDLOCK_RULE_PATH_BENEATH,
		uintptr(unsafe.Pointer(&rule)), 0, 0, 0)
	if errno != 0 {
		return fmt.Errorf("granting %s in the sandbox: %w", path, errno)
	}
	return nil
}

// errPlantedLink is a granted path that passes through a symbolic link inside a folder the
// server may change.
var errPlantedLink = errors.New("a link inside a folder the server may change")

// openGrant opens path (O_PATH) for a rule or a bind mount. The part of path beneath the
// outermost folder in writable that holds it is the server's to change, so a symbolic link
// there is refused, not followed: a server that replaced its cache folder with a link to the
// person's home would otherwise be granted the home on its next start (red team). Links
// elsewhere in path (a person's ~/projects pointing to another disk, /lib to usr/lib) are
// followed as before.
func openGrant(path string, writable []string) (int, error) {
	base := serverFolder(path, writable)
	if base == "" {
		return unix.Open(path, unix.O_PATH|unix.O_CLOEXEC, 0)
	}
	bfd, err := unix.Open(base, unix.O_PATH|unix.O_CLOEXEC|unix.O_DIRECTORY, 0)
	if err != nil {
		return -1, err
	}
	defer unix.Close(bfd)
	rel, err := filepath.Rel(base, path)
	if err != nil {
		return -1, err
	}
	fd, err := unix.Openat2(bfd, rel, &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS})
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.EXDEV) {
		return -1, fmt.Errorf("%s is %w, which MCP Tray does not follow (the server may have made it): if you made it, give the server the folder it points to instead; if not, remove it", path, errPlantedLink)
	}
	return fd, err
}
