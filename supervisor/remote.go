package supervisor

import (
	"context"
	"fmt"
	"strings"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/remote"
)

// A remote server (Spec.Remote.URL set) runs no program: its "process" is a connector
// (package remote) that reads the relay's messages from a pipe and speaks HTTP to the server,
// and writes the server's messages into another pipe. The relay, the policy gate, pins and
// approvals therefore treat it as they treat a local server. It has no pid and no tree; its
// Stop closes its input, lets the connector end the server's session, and waits for it.

// RemoteSpec says where a remote server is. Header and Query values may name the server's
// secrets as ${secret:NAME}; the keychain's values are put in at each connection only.
type RemoteSpec struct {
	URL          string
	Transport    remote.Transport
	Header       map[string]string
	Query        map[string]string
	AllowPrivate bool
}

// IsRemote reports whether the spec is a remote server's.
func (s Spec) IsRemote() bool { return s.Remote.URL != "" }

// remoteHost is Status.Remote for the spec.
func (s Spec) remoteHost() string {
	if !s.IsRemote() {
		return ""
	}
	return remote.Host(s.Remote.URL)
}

// checkRemote says, as a permanent error, why a remote server's address cannot be used.
func (u *unit) checkRemote() error {
	if _, err := remote.CheckURL(u.spec.Remote.URL); err != nil {
		return Permanent(fmt.Errorf("The server %q cannot be reached safely: %v", u.spec.Name, err))
	}
	return nil
}

// spawnRemote starts a connector for a remote server.
func (u *unit) spawnRemote(ctx context.Context) (*Process, error) {
	if err := u.refused(); err != nil {
		return nil, err
	}
	if err := u.checkRemote(); err != nil {
		return nil, err
	}
	opts := &u.sup.opts
	var vals map[string]string
	if len(u.spec.Secrets) > 0 {
		if opts.Secrets == nil {
			return nil, Permanent(fmt.Errorf("The server %q needs secrets, but no keychain is available to MCP Tray.", u.spec.Name))
		}
		var err error
		if vals, err = opts.Secrets(ctx, u.spec.Name, u.spec.Secrets); err != nil {
			return nil, err
		}
	}
	header, err := fillSecrets(u.spec.Name, u.spec.Remote.Header, u.spec.Secrets, vals)
	if err != nil {
		return nil, Permanent(err)
	}
	query, err := fillSecrets(u.spec.Name, u.spec.Remote.Query, u.spec.Secrets, vals)
	if err != nil {
		return nil, Permanent(err)
	}
	r := remote.Options{
		URL: u.spec.Remote.URL, Transport: u.spec.Remote.Transport, Header: header, Query: query,
		AllowPrivate: u.spec.Remote.AllowPrivate, Note: u.logs.Note, SignIn: u.signIn,
		MoreScope: u.moreScope,
	}
	if opts.Tokens != nil {
		r.Token = opts.Tokens(u.spec.Name, u.spec.Remote.URL)
	}
	rd, wr, err := pipes(2)
	if err != nil {
		return nil, err
	}
	inR, outR := rd[0], rd[1]
	inW, outW := wr[0], wr[1]
	cctx, cancel := context.WithCancel(context.Background()) // a session outlives a reconfiguration, as a process does
	p := &Process{stdin: inW, stdout: outR, ladder: opts.Ladder, clock: opts.Clock, cancel: cancel,
		done: make(chan struct{}), stopped: make(chan struct{})}
	p.started = p.clock.Now()
	go func() {
		p.exitErr = remote.Run(cctx, r, inR, outW)
		inR.Close()
		outW.Close() // the relay reads EOF: the server is gone
		close(p.done)
	}()
	u.logs.Note("connecting to %s", remote.Host(u.spec.Remote.URL))
	return p, nil
}

// fillSecrets returns m with every ${secret:NAME} replaced by its value; m is not changed.
func fillSecrets(server string, m map[string]string, secrets []string, vals map[string]string) (map[string]string, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		filled, err := argsWithSecrets(server, []string{v}, secrets, vals)
		if err != nil {
			return nil, err
		}
		out[k] = filled[0]
	}
	return out, nil
}

// stopRemote ends a connector: its input closes (the connector ends the server's session),
// and after the stdin grace it is cancelled. It returns once the connector has ended.
func (p *Process) stopRemote() {
	p.stdin.Close()
	select {
	case <-p.done:
	case <-p.clock.After(p.ladder.StdinGrace):
		p.cancel()
		<-p.done
	}
	p.cancel()
	p.stdout.Close()
}

// checkCommand says why a server without a spare cannot start when a client comes: a missing
// program, or a remote address that is not safe.
func (u *unit) checkCommand() error {
	if u.spec.IsRemote() {
		return u.checkRemote()
	}
	_, err := ResolveCommand(u.spec.Command, u.spec.Dir)
	return err
}

// RemoteOf returns the remote part of a server's spec from its configuration; the zero value
// for a local server.
func RemoteOf(s *config.Server) RemoteSpec {
	if !s.IsRemote() {
		return RemoteSpec{}
	}
	return RemoteSpec{URL: s.URL, Transport: remote.Transport(s.Transport), Header: s.Headers, Query: s.Query,
		AllowPrivate: s.AllowPrivateNetwork}
}

// moreScope records that the remote server wants a sign-in that allows more (a 403
// insufficient_scope naming scope, already made safe to show): the status says so, naming
// the scopes; signing in again asks for them with those already granted.
func (u *unit) moreScope(scope string) {
	msg := u.redact(fmt.Sprintf("The server %q needs more permission (%s): sign in again with Sign in in MCP Tray, or run: mcptray server login %s", u.spec.Name, scope, u.spec.Name)) // as set stores it
	u.mu.Lock()
	same := u.status.NeedsSignIn && u.status.Error == msg
	u.mu.Unlock()
	if same {
		return
	}
	u.logs.Note("needs more permission: %s", scope)
	u.set(func(s *Status) {
		s.NeedsSignIn = true
		s.Error = msg
	})
}

// signIn records whether the remote server wants the person to sign in. It changes only the
// status's sign-in members, never the state: the server is reachable, it wants a person.
func (u *unit) signIn(needed bool) {
	msg := fmt.Sprintf("The server %q needs you to sign in: use Sign in in MCP Tray, or run: mcptray server login %s", u.spec.Name, u.spec.Name)
	more := fmt.Sprintf("The server %q needs more permission (", u.spec.Name)
	u.mu.Lock()
	same := u.status.NeedsSignIn == needed
	u.mu.Unlock()
	if same {
		return
	}
	if needed {
		u.logs.Note("needs sign-in")
	}
	u.set(func(s *Status) {
		s.NeedsSignIn = needed
		switch {
		case needed:
			s.Error = msg
		case s.Error == msg, strings.HasPrefix(s.Error, more):
			s.Error = ""
		}
	})
}
