//go:build !windows

package supervisor

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
)

// The guard is a tiny shell process, started once per daemon, that outlives a daemon killed
// with SIGKILL and then kills every server process group the daemon left behind. The daemon
// tells it over a pipe which groups exist ("+PGID") and which are gone ("-PGID"); when the
// pipe reaches end of file — the daemon exited, however — it SIGKILLs the groups still
// listed. Pdeathsig covers only a server's direct child; the guard covers its descendants
// (what npx and uvx start) and macOS, which has no Pdeathsig.
const guardScript = `trap '' INT TERM HUP
g=" "
while IFS= read -r l; do
  case "$l" in
    +*) g="$g${l#+} " ;;
    -*) id="${l#-}"
        case "$g" in *" $id "*) g="${g%% $id *} ${g#* $id }" ;; esac ;;
  esac
done
for p in $g; do kill -KILL -"$p" 2>/dev/null; done
`

var guard struct {
	once sync.Once
	mu   sync.Mutex
	w    *os.File // nil when the guard could not start
}

func startGuard() {
	r, w, err := os.Pipe()
	if err != nil {
		return
	}
	cmd := exec.Command("/bin/sh", "-c", guardScript)
	cmd.Stdin = r
	// Its own session: a Ctrl-C in the daemon's terminal must not reach it first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		fmt.Fprintf(os.Stderr, "mcptray: could not start the process guard (%v); server processes may outlive a crash of MCP Tray\n", err)
		return
	}
	r.Close()
	go cmd.Wait() // reap it if it ever exits while we live
	guard.w = w
}

func guardSend(line string) {
	guard.once.Do(startGuard)
	guard.mu.Lock()
	defer guard.mu.Unlock()
	if guard.w != nil {
		fmt.Fprintln(guard.w, line)
	}
}

func guardAdd(pgid int)    { guardSend(fmt.Sprintf("+%d", pgid)) }
func guardRemove(pgid int) { guardSend(fmt.Sprintf("-%d", pgid)) }
