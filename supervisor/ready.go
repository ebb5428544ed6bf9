package supervisor

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
)

// A package runner (npx, uvx, docker …) may spend minutes downloading before the server it
// runs exists, or wait forever for a network that is not there. Such a spare is Starting,
// not Running, until the server answers: the supervisor sends it an MCP ping (allowed before
// initialize) and waits for the reply, which it reads byte by byte so that nothing after it
// is taken from the client that gets the process. Meanwhile a client is given a fresh
// process, never the one being asked.

// readyID is the JSON-RPC id of the readiness ping; no client sees its reply.
const readyID = "mcptray-ready"

var readyPing = []byte(`{"jsonrpc":"2.0","id":"` + readyID + `","method":"ping"}` + "\n")

// packageRunners download what they run on first use.
var packageRunners = []string{"npx", "pnpx", "bunx", "uvx", "pipx", "docker", "podman"}

// needsReady reports whether the server's command is a package runner whose spare must answer
// before it counts as running.
func (s Spec) needsReady() bool {
	base := strings.ToLower(filepath.Base(s.Command))
	for _, ext := range []string{".exe", ".cmd", ".bat"} {
		base = strings.TrimSuffix(base, ext)
	}
	for _, r := range packageRunners {
		if base == r {
			return true
		}
	}
	return false
}

// awaitReady pings p and delivers on the returned channel nil once the reply arrived, or the
// error that ended the wait (the process stopped). It reads at most 16 lines or 1 MiB.
func awaitReady(p *Process) <-chan error {
	done := make(chan error, 1)
	go func() {
		if _, err := p.Stdin().Write(readyPing); err != nil {
			done <- err
			return
		}
		var line bytes.Buffer
		b := make([]byte, 1)
		for lines, total := 0, 0; lines < 16 && total < 1<<20; total++ {
			n, err := p.Stdout().Read(b)
			if err != nil {
				done <- err
				return
			}
			if n == 0 {
				continue
			}
			if b[0] != '\n' {
				line.WriteByte(b[0])
				continue
			}
			if bytes.Contains(line.Bytes(), []byte(`"`+readyID+`"`)) {
				done <- nil
				return
			}
			line.Reset()
			lines++
		}
		done <- errors.New("the server wrote something other than an answer to MCP Tray's ping")
	}()
	return done
}
