package authority

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/proc"
)

// ErrNotFromPerson is the refusal a loosening request from a server or an AI app gets.
var ErrNotFromPerson = &control.Error{Code: control.CodeNotFromPerson,
	Message: "MCP Tray only takes approvals and permission changes from you: from its window, the tray, or a terminal you opened yourself — not from a server or an AI app."}

// Authority is what the daemon knows of who may loosen: itself (this process), the window
// process it started, and the live bridges with the AI apps that started them. It is safe for
// concurrent use.
type Authority struct {
	self proc.ID

	mu      sync.Mutex
	windows map[proc.ID]bool
	bridges map[int]Bridge // by a key of the connection
	next    int
}

// New returns the authority of this process, which plays the daemon.
func New() *Authority {
	self, _ := proc.Identify(os.Getpid())
	return &Authority{self: self, windows: map[proc.ID]bool{}, bridges: map[int]Bridge{}}
}

// Guard is the control server's guard: a request loosens tells to loosen passes only from the
// person; anything else, and every bridge connection, passes. A refusal is logged and answered
// with ErrNotFromPerson. orphansMay names the loosening methods an orphan in a session
// without a terminal may still call (see detached).
func (a *Authority) Guard(loosens func(method string, params json.RawMessage) bool, orphansMay func(method string) bool, log *slog.Logger) control.GuardFunc {
	return func(ctx context.Context, op, method string, params json.RawMessage) error {
		if op == control.OpConnect || !loosens(method, params) {
			return nil
		}
		peer, _ := control.PeerFrom(ctx)
		why := a.notFromPerson(peer.Pid, orphansMay(method))
		if why == "" && peer.Start != 0 && !(proc.ID{Pid: peer.Pid, Start: peer.Start}).Live() {
			// The process judged is not the one that connected: that one handed its
			// connection on and ended, and its pid may be another's now.
			why = "the program that connected has ended"
		}
		if why != "" {
			log.Warn("refused a request that only the person may make", "method", method, "pid", peer.Pid, "because", why)
			return ErrNotFromPerson
		}
		return nil
	}
}

// NotFromPerson says why the process pid may not loosen anything, or "" when it may. It walks
// the ancestry of the process, and of the leaders of its process group and session: a program
// that detached from its parent (`(mcptray approve ID &)` in a shell) is given to another
// parent, but keeps the group and session it came from.
//
// NotFromPerson lets an orphan in a desktop session through, as the guard does for installs
// (see detached); the guard refuses it for everything else.
func (a *Authority) NotFromPerson(pid int) string { return a.notFromPerson(pid, true) }

// notFromPerson is NotFromPerson; orphanOK says whether an orphan in a session without a
// terminal may loosen (detached).
func (a *Authority) notFromPerson(pid int, orphanOK bool) string {
	if pid <= 0 {
		return "the system did not say which program asked"
	}
	if pid == a.self.Pid {
		return "" // the tray, in this process
	}
	asker, err := proc.Lookup(pid)
	if err != nil {
		return "its process could not be read: " + err.Error()
	}
	a.mu.Lock()
	window := a.windows[asker.ID]
	a.mu.Unlock()
	if window {
		return "" // the window process the tray started, itself
	}
	for _, leader := range []int{pid, asker.Group, asker.Session} {
		if leader <= 1 || (leader != pid && leader == a.self.Pid) {
			// pid 1 leads nothing that matters; the daemon leads the group of what it started
			// without a group of its own (the window), checked by ancestry instead.
			continue
		}
		chain, err := proc.Ancestry(leader)
		if err != nil || chain[0].Start > asker.Start {
			continue // the leader is gone (or its pid is another's now): nothing to learn from it
		}
		if why := a.descends(chain); why != "" {
			return why
		}
	}
	return a.detached(asker, orphanOK)
}

// detached says why asker may not loosen when it left the process tree it was started in, so
// that its ancestry no longer shows the AI app or server it came from:
//   - it runs in a session of its own that began after the daemon started and has no terminal
//     (setsid, then its parent exits: its new parent is pid 1 or the session's reaper);
//   - or it stayed in a terminal's session (an AI app run in the person's terminal) but is
//     not a descendant of the session's leader (it made a process group of its own and its
//     parent exited), even when it made itself the terminal's foreground;
//   - or it runs without a terminal and a D-Bus message bus started it (startedByBus);
//   - or, unless orphanOK, it stayed in a session without a terminal whose leader runs (a
//     desktop's: an AI app started from the menu) but no longer descends from that leader
//     (the same escape). A browser's or file manager's opener (`gio open`) leaves what it
//     opens such an orphan too, which is why the guard lets installs through (orphansMay):
//     the person confirms an install in its own dialog.
//
// A person asks from the tray, the window, or a terminal: the command typed there runs under
// the shell that leads the terminal's session, and a desktop's session began
// before MCP Tray. Where the system does not say which terminal a process has, nothing is
// concluded. Not covered (README, "Security"): a program given a terminal of its own (script,
// systemd-run --pty), or started by a process that was already there (a terminal emulator or
// tmux asked to open a window).
//
// A session whose leader has ended, or that the system does not show (session 0: it was
// begun outside this pid namespace, as a container's runner or `docker exec` does), is judged
// by the oldest process above the asker still in it, below pid 1 (oldestInSession): a command
// under a runner that was there before MCP Tray may loosen; a program that let its parent exit
// (adopted by pid 1) is judged by itself. Not covered: one adopted by an older subreaper in
// the same session (tini -s, dumb-init), which cannot be told from its parent.
func (a *Authority) detached(asker proc.Info, orphanOK bool) string {
	judge, led := asker, false // the session's leader, while it runs; else its oldest member found
	if asker.Session != asker.Pid {
		leader, err := proc.Lookup(asker.Session) // fails for session 0
		if err == nil && leader.Start <= asker.Start {
			judge, led = leader, true
		} else {
			judge = oldestInSession(asker)
		}
	}
	tty, _, known, err := proc.Terminal(judge.Pid)
	switch {
	case !known:
		return ""
	case err != nil:
		return "its process could not be read: " + err.Error()
	case tty == 0 && judge.Start > a.self.Start:
		return "it runs detached from any terminal, in a session that began after MCP Tray started (a program that left the process tree it was started in)"
	case tty != 0 && led && !descendsFrom(asker.Pid, judge.ID):
		// Not the terminal's foreground alone: any process of the session may make itself
		// that (tcsetpgrp, SIGTTOU ignored; red team, 6 December 2026).
		return "it runs in a terminal's session but is not the command running in that terminal (a program that left the process tree it was started in)"
	case tty == 0 && led && !orphanOK && !descendsFrom(asker.Pid, judge.ID):
		return "its parent has exited and it no longer descends from its session's leader (a program that left the process tree it was started in)"
	case tty == 0 && startedByBus(asker):
		return "it was started by the desktop's message bus (D-Bus activation), which starts programs for any program that asks"
	}
	return ""
}

// startedByBus reports whether a D-Bus message bus started asker within its session: the
// session bus starts the program of any service a program asks for (StartServiceByName), in
// the desktop's session and below its leader, where it would pass for something the person
// started (red team, 6 December 2026: an agent wrote a service file that ran `mcptray
// approve`). A terminal emulator the bus started gives its shells sessions of their own, so
// a person's command there is not judged by this.
func startedByBus(asker proc.Info) bool {
	chain, err := proc.Ancestry(asker.Pid)
	if err != nil {
		return false
	}
	for _, p := range chain[1:] {
		if p.Pid <= 1 || p.Session != asker.Session {
			return false
		}
		if exe, err := proc.Executable(p.Pid); err == nil && busDaemons[filepath.Base(exe)] {
			return true
		}
	}
	return false
}

// busDaemons are the programs of D-Bus message buses, which start services on request.
var busDaemons = map[string]bool{"dbus-daemon": true, "dbus-broker": true, "dbus-broker-launch": true, "dbus-daemon-launch-helper": true}

// oldestInSession is the farthest ancestor of asker still in its session (asker itself when
// its parent is in another): the session began no later than it started. A session whose
// leader has ended (a CI runner's, a terminal's whose shell exited) is judged by it; a program
// that made a session of its own after MCP Tray started finds nothing in it older than that.
func oldestInSession(asker proc.Info) proc.Info {
	chain, err := proc.Ancestry(asker.Pid)
	if err != nil {
		return asker
	}
	oldest := asker
	for _, p := range chain[1:] {
		if p.Pid <= 1 || p.Session != asker.Session {
			break
		}
		oldest = p
	}
	return oldest
}

// descendsFrom reports whether pid's ancestry holds the process id.
func descendsFrom(pid int, id proc.ID) bool {
	chain, err := proc.Ancestry(pid)
	if err != nil {
		return false
	}
	for _, p := range chain[1:] {
		if p.ID == id {
			return true
		}
	}
	return false
}

// descends says whether a chain of processes (nearest first) holds the daemon or a bridge's
// AI app, and which.
func (a *Authority) descends(chain []proc.Info) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, p := range chain {
		if p.Pid == a.self.Pid { // the daemon is alive: its pid is its own
			return "it was started by MCP Tray (a server, or a program a server ran)"
		}
		for _, b := range a.bridges {
			if p.ID == b.app || p.ID == b.root || p.ID == b.bridge || (b.outer != proc.ID{} && p.ID == b.outer) {
				return "it was started by an AI app connected through MCP Tray (" + b.appExe + ")"
			}
		}
	}
	return ""
}

// WindowStarted records pid as MCP Tray's window process, which the tray started: it may
// approve and change permissions though it descends from the daemon. Only that very process
// may (its start time is recorded); programs it runs may not. The error says the process
// could not be read (it then may not approve).
func (a *Authority) WindowStarted(pid int) error {
	id, err := proc.Identify(pid)
	if err != nil {
		return err
	}
	a.addWindow(id)
	return nil
}

func (a *Authority) addWindow(id proc.ID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for w := range a.windows {
		if !w.Live() {
			delete(a.windows, w)
		}
	}
	a.windows[id] = true
}
