package authority

import (
	"context"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mcptray/mcptray/internal/proc"
)

// Bridge is one live `mcptray connect` bridge and the AI app that started it.
type Bridge struct {
	bridge, app proc.ID // zero when unknown
	// appExe is the AI app's program file, as the system reports it: the program above the
	// shells and wrappers the bridge was started through, which is what the person knows.
	appExe string
	// root is the app's farthest ancestor running the same program, up an unbroken line: an
	// app made of several processes of one program (an Electron app's extension host, its
	// terminal host, its main process) is one app, and what any of them runs is the app's.
	root proc.ID
	// outer is the first ancestor of the app that is not a shell, when the app is a shell or
	// a wrapper (timeout, strace, script…): an AI app that starts its servers through `sh -c`
	// (or cmd.exe) is the shell's parent, and the agent's own shell commands descend from
	// that, not from the shell that ran the bridge.
	outer proc.ID
}

// App is the program file of the AI app behind the bridge, as the system reports it; "" when
// unknown.
func (b Bridge) App() string { return b.appExe }

// AddBridge records b until the returned function is called: from then on neither the bridge,
// its AI app, nor anything they start may loosen.
func (a *Authority) AddBridge(b Bridge) (forget func()) {
	a.mu.Lock()
	a.next++
	key := a.next
	a.bridges[key] = b
	a.mu.Unlock()
	return func() {
		a.mu.Lock()
		delete(a.bridges, key)
		a.mu.Unlock()
	}
}

// shells are the program names of command interpreters an AI app may start a bridge through.
var shells = map[string]bool{"sh": true, "bash": true, "dash": true, "zsh": true, "ksh": true, "fish": true,
	"busybox": true, "cmd.exe": true, "powershell.exe": true, "pwsh": true, "pwsh.exe": true}

// wrappers are programs that run another program as their child and wait for it (a time
// limit, a tracer, a pseudo-terminal, a lock): an AI app that starts its bridge through one is
// the wrapper's parent, as with a shell (red team: `timeout` was taken for the AI app).
var wrappers = map[string]bool{"timeout": true, "time": true, "strace": true, "ltrace": true, "script": true,
	"unbuffer": true, "flock": true, "chronic": true, "firejail": true, "bwrap": true, "xvfb-run": true,
	"nice": true, "nohup": true, "env": true, "stdbuf": true, "setsid": true, "ionice": true, "taskset": true,
	"chrt": true, "sudo": true, "doas": true, "runuser": true, "su": true}

// isShell reports whether exe is a command interpreter, or a wrapper that runs one program and
// waits for it: either way, not the AI app itself.
func isShell(exe string) bool {
	name := strings.ToLower(filepath.Base(exe))
	return shells[name] || wrappers[name]
}

// IdentifyBridge reads the bridge process pid, its parent (the AI app) and the app's root. A
// parent that is pid 1 is no AI app (the bridge was orphaned) and is not recorded: every
// process descends from it. What cannot be read stays zero.
func IdentifyBridge(pid int) Bridge {
	var b Bridge
	if pid <= 0 {
		return b
	}
	chain, err := proc.Ancestry(pid)
	if err != nil {
		return b
	}
	b.bridge = chain[0].ID
	if len(chain) < 2 || chain[1].Pid <= 1 {
		return b
	}
	app, above := chain[1], chain[2:]
	b.app, b.root = app.ID, app.ID
	exe, err := proc.Executable(app.Pid)
	if err != nil || !app.ID.Live() {
		return b
	}
	b.appExe = exe
	if i := slices.IndexFunc(above, func(p proc.Info) bool { return p.Pid <= 1 }); i >= 0 {
		above = above[:i] // every process descends from pid 1: it is nobody's app
	}
	for i, curExe := 0, exe; i < len(above) && isShell(curExe); i++ {
		if curExe, err = proc.Executable(above[i].Pid); err != nil {
			break
		}
		b.outer, b.appExe = above[i].ID, curExe
	}
	for _, up := range above {
		if upExe, err := proc.Executable(up.Pid); err != nil || upExe != exe {
			break
		}
		b.root = up.ID
	}
	return b
}

type bridgeKey struct{}

// WithBridge returns ctx carrying b, for the connect handler that serves it (BridgeApp).
func WithBridge(ctx context.Context, b Bridge) context.Context {
	return context.WithValue(ctx, bridgeKey{}, b)
}

// BridgeApp is the program file of the AI app behind the bridge ctx carries (WithBridge), as
// the system reports it; "" when unknown.
func BridgeApp(ctx context.Context) string {
	b, _ := ctx.Value(bridgeKey{}).(Bridge)
	return b.appExe
}
