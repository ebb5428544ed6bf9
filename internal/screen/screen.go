// Package screen tells whether there is a desktop to draw on, and waits for its X server to
// answer, before the GUI toolkit tries it: GLFW (under Fyne) cannot recover when the display
// does not open, and the program panics with a stack trace where a person should read one
// sentence.
package screen

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Has reports whether a program on goos has a desktop to draw on: macOS and Windows always do
// (a program there runs in the person's session), other systems when DISPLAY or
// WAYLAND_DISPLAY is set.
func Has(goos string, getenv func(string) string) bool {
	switch goos {
	case "darwin", "windows":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}

// Wait returns once the display server the environment names accepts a connection: the
// Wayland compositor (WAYLAND_DISPLAY) or the X server (DISPLAY), whichever answers first. It
// tries again until timeout passes, as at login, when a program can start before the display
// server listens. It returns nil at once when neither is named in a form it dials (XQuartz's
// launchd path, DECnet); its error is a sentence for the person.
func Wait(ctx context.Context, getenv func(string) string, timeout time.Duration) error {
	addrs := sockets(getenv)
	if len(addrs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	for {
		for _, a := range addrs {
			c, err := d.DialContext(ctx, a.network, a.address)
			if err == nil {
				c.Close()
				return nil
			}
		}
		select {
		case <-ctx.Done():
			var named []string
			for _, v := range []string{"WAYLAND_DISPLAY", "DISPLAY"} {
				if getenv(v) != "" {
					named = append(named, v+"="+getenv(v))
				}
			}
			return fmt.Errorf("the screen does not answer (%s: nothing listens at %s)", strings.Join(named, " or "), addrs[len(addrs)-1].address)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// sockets lists where the environment's display servers listen.
func sockets(getenv func(string) string) []socket {
	var addrs []socket
	if w := getenv("WAYLAND_DISPLAY"); w != "" {
		if !filepath.IsAbs(w) {
			w = filepath.Join(getenv("XDG_RUNTIME_DIR"), w)
		}
		if filepath.IsAbs(w) {
			addrs = append(addrs, socket{"unix", w})
		}
	}
	x, _ := socketsOf(getenv("DISPLAY"))
	return append(addrs, x...)
}

type socket struct{ network, address string }

// socketsOf lists where Xlib would connect for display: ":N" and "unix:N" are the local
// socket (Linux's abstract one first, then the file), "host:N" is TCP port 6000+N. The screen
// number (".S") does not matter.
func socketsOf(display string) ([]socket, bool) {
	host, num, ok := strings.Cut(display, ":")
	if !ok || strings.HasPrefix(num, ":") || strings.Contains(host, "/") {
		return nil, false // empty, DECnet (host::N), a protocol or launchd path
	}
	num, _, _ = strings.Cut(num, ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 59535 {
		return nil, false
	}
	if host == "" || host == "unix" {
		path := "/tmp/.X11-unix/X" + num
		return []socket{{"unix", "@" + path}, {"unix", path}}, true
	}
	return []socket{{"tcp", net.JoinHostPort(host, strconv.Itoa(6000+n))}}, true
}
