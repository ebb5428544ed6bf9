package sandbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"golang.org/x/sys/unix"
)

// hide covers each folder in r.Hide with an empty, read-only filesystem in the helper's
// private mount namespace, then puts back the granted paths inside it (the server's own state
// folder inside MCP Tray's home); a file in r.Hide (a key file) gets /dev/null, which it may
// not open, over it. Landlock alone cannot do this: before ABI 9 it does not
// govern connect() on a socket file, so only a socket that is not there is out of reach.
// Landlock later forbids the server to unmount anything, so the cover stays.
func hide(r Rules) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making the sandbox's mounts private: %w", err)
	}
	// The process namespace's own /proc: only the server and what it starts. Where the kernel
	// refuses it (a container whose /proc is partly covered), the machine's stays, as before.
	unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	for _, p := range r.Hide {
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			continue // not there, or already covered by an earlier folder
		case fi.IsDir():
			err = cover(p, granted(r, p), r.Write)
		case fi.Mode().IsRegular():
			err = coverFile(p)
		}
		if err != nil {
			return err
		}
	}
	// A /dev/shm of its own: the machine's is shared by every program of the person, a
	// channel between a server without network and one with it (red team).
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if err := unix.Mount("mcptray-shm", "/dev/shm", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777"); err != nil {
			return fmt.Errorf("giving the server its own /dev/shm: %w", err)
		}
	}
	return ownTerminalsMounted()
}

// ownTerminalsMounted gives the server terminals of its own: a new instance of devpts over
// /dev/pts, whose ptmx stands in for /dev/ptmx, so a server that runs a shell in a terminal
// still can, and the person's terminals (the machine's /dev/pts) are not there for it.
func ownTerminalsMounted() error {
	if fi, err := os.Stat("/dev/pts"); err != nil || !fi.IsDir() {
		return nil
	}
	if err := unix.Mount("mcptray-pts", "/dev/pts", "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return fmt.Errorf("giving the server its own terminals: %w", err)
	}
	if _, err := os.Stat("/dev/ptmx"); err == nil {
		if err := unix.Mount("/dev/pts/ptmx", "/dev/ptmx", "", unix.MS_BIND, ""); err != nil {
			return fmt.Errorf("giving the server its own terminals: %w", err)
		}
	}
	return nil
}

// granted returns the read and write paths strictly inside dir.
func granted(r Rules, dir string) []string {
	var in []string
	for _, p := range slices.Concat(r.Read, r.Write) {
		if p != dir && within(p, dir) && !slices.Contains(in, p) {
			in = append(in, p)
		}
	}
	return in
}

// cover mounts an empty tmpfs over dir and binds keep back into it; writable are the folders
// the server may change, beneath which no link is followed (openGrant).
func cover(dir string, keep, writable []string) error {
	type held struct {
		path  string
		fd    int
		isDir bool
	}
	var hold []held
	defer func() {
		for _, h := range hold {
			unix.Close(h.fd)
		}
	}()
	for _, p := range keep {
		fd, err := openGrant(p, writable)
		if errors.Is(err, errPlantedLink) {
			return err
		}
		if err != nil {
			continue
		}
		var st unix.Stat_t
		unix.Fstat(fd, &st)
		hold = append(hold, held{p, fd, st.Mode&unix.S_IFMT == unix.S_IFDIR})
	}
	if err := unix.Mount("mcptray-hidden", dir, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=0755,size=64k"); err != nil {
		return fmt.Errorf("hiding %s from the server: %w", dir, err)
	}
	for _, h := range hold {
		if h.isDir {
			if err := os.MkdirAll(h.path, 0o700); err != nil {
				return fmt.Errorf("keeping %s for the server: %w", h.path, err)
			}
		} else {
			if err := os.MkdirAll(filepath.Dir(h.path), 0o700); err != nil {
				return fmt.Errorf("keeping %s for the server: %w", h.path, err)
			}
			f, err := os.OpenFile(h.path, os.O_CREATE|os.O_WRONLY, 0o600)
			if err != nil {
				return fmt.Errorf("keeping %s for the server: %w", h.path, err)
			}
			f.Close()
		}
		src := "/proc/self/fd/" + strconv.Itoa(h.fd)
		if err := unix.Mount(src, h.path, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("keeping %s for the server: %w", h.path, err)
		}
	}
	if err := unix.Mount("", dir, "", unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("hiding %s from the server: %w", dir, err)
	}
	return nil
}

// coverFile puts the machine's /dev/null over the file at path, read-only and with devices
// refused: opening it fails, and what it held is not there for the server to read or change.
func coverFile(path string) error {
	if err := unix.Mount("/dev/null", path, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("hiding %s from the server: %w", path, err)
	}
	if err := unix.Mount("", path, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return fmt.Errorf("hiding %s from the server: %w", path, err)
	}
	return nil
}

// Secure bits (linux/securebits.h): root gets no capabilities from exec, for good.
const (
	secbitNoroot       = 1 << 0
	secbitNorootLocked = 1 << 1
)

// holdsCapabilities reports whether the calling thread holds any capability (effective or
// permitted).
func holdsCapabilities() bool {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if unix.Capget(&hdr, &data[0]) != nil {
		return true // unknown: try to drop, and fail loudly if that cannot be done
	}
	return data[0].Effective|data[1].Effective|data[0].Permitted|data[1].Permitted != 0
}

// dropCapabilities leaves the calling thread, and what it execs, without capabilities in the
// sandbox's user namespace (or, without namespaces, at all), even when the person is root. It
// needs CAP_SETPCAP, which a user namespace's first process holds.
func dropCapabilities() error {
	if err := unix.Prctl(unix.PR_SET_SECUREBITS, secbitNoroot|secbitNorootLocked, 0, 0, 0); err != nil {
		return fmt.Errorf("dropping the sandbox's privileges: %w", err)
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return fmt.Errorf("dropping the sandbox's privileges: %w", err)
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("dropping the sandbox's privileges: %w", err)
	}
	return nil
}
