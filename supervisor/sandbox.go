package supervisor

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/mcptray/mcptray/sandbox"
)

// SandboxOptions say where confined servers keep their own files and what they must never
// reach. Empty fields leave that part out: a supervisor without StateRoot gives confined
// servers no state folder of their own.
type SandboxOptions struct {
	Home      string // the person's home folder; "" means os.UserHomeDir
	AppHome   string // MCP Tray's home: hidden from every confined server
	Socket    string // MCP Tray's control socket: hidden from every confined server
	StateRoot string // a confined server's state folder is StateRoot/NAME (its default folder)
	TempRoot  string // and its temp folder TempRoot/NAME
	// KubeDir holds the one-context kubeconfigs MCP Tray writes: a server whose KUBECONFIG
	// names a file there may read that file, though it is inside MCP Tray's home.
	KubeDir string
}

// stateDir is the server's own state folder, created if missing, or "" when there is none.
func (u *unit) stateDir() string {
	root := u.sup.opts.Sandbox.StateRoot
	if root == "" {
		return ""
	}
	d := filepath.Join(root, u.spec.Name)
	os.MkdirAll(d, 0o700)
	return d
}

// confine makes cmd start the server in its sandbox when the spec says so, and notes what it
// may touch (once, until that changes). A machine that cannot confine gets a permanent error with the
// sentence saying so and how to run the server unconfined, if the person agrees.
func (u *unit) confine(cmd *exec.Cmd, env []string) error {
	if !u.spec.Confined {
		u.logs.setExplain(nil)
		return nil
	}
	st := sandbox.Check()
	if !st.Supported() {
		return Permanent(fmt.Errorf("The server %q is set to run in a sandbox, but %s To run it without one, if you agree, use: mcptray server sandbox %s --off",
			u.spec.Name, lowerFirst(st.Gaps()), u.spec.Name))
	}
	ctx := u.sandboxContext(cmd.Path, env)
	home := ctx.Home
	rules := u.spec.Sandbox.Rules(ctx)
	if err := u.fetchOffline(cmd.Path, env, ctx.State); err != nil {
		return err // perhaps no network just now: retried with backoff
	}
	if err := sandbox.Wrap(cmd, rules); err != nil {
		return Permanent(fmt.Errorf("The server %q could not be put in its sandbox: %w", u.spec.Name, err))
	}
	line := "confined: " + sandbox.Describe(u.spec.Sandbox, home)
	if gaps := st.Gaps(); gaps != "" {
		line += ". " + gaps
	}
	u.logs.noteOnce(line)
	u.logs.setExplain(sandbox.NewDeniedLog(home, rules).Line)
	return nil
}

// sandboxContext is what sandbox.Spec.Rules needs to know to confine the program at path.
func (u *unit) sandboxContext(path string, env []string) sandbox.Context {
	o := u.sup.opts.Sandbox
	home := o.Home
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	ctx := sandbox.Context{Home: home, AppHome: o.AppHome, Socket: o.Socket, State: u.stateDir(),
		Command: path, Path: envValue(env, "PATH")}
	if o.TempRoot != "" {
		ctx.Temp = filepath.Join(o.TempRoot, u.spec.Name)
	}
	if d := u.spec.Frozen.Dir; d != "" && u.spec.Frozen.Registry != "oci" {
		// The server's installed files are inside MCP Tray's home, which is hidden.
		ctx.Provided = append(ctx.Provided, filepath.Clean(d))
	}
	if kc := envValue(env, "KUBECONFIG"); o.KubeDir != "" && kc != "" && filepath.Dir(filepath.Clean(kc)) == filepath.Clean(o.KubeDir) {
		ctx.Provided = append(ctx.Provided, filepath.Clean(kc))
	}
	return ctx
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v
		}
	}
	return ""
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
