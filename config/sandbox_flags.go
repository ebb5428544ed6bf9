package config

import (
	"errors"
	"fmt"
	"path/filepath"
)

// SandboxFlags are a sandbox change as a person types it (`mcptray server sandbox`):
// folders as written, Network "", "on" or "off", On and Off as switches.
type SandboxFlags struct {
	Read, Write, Forget []string
	Network             string
	On, Off             bool
}

// Check refuses flags that contradict each other or do not read; the error is one sentence
// naming the flag.
func (f SandboxFlags) Check() error {
	if f.On && f.Off {
		return errors.New("--on and --off cannot go together")
	}
	if f.Network != "" && f.Network != "on" && f.Network != "off" {
		return fmt.Errorf("--network takes on or off, not %q", f.Network)
	}
	if f.Off && (len(f.Read)+len(f.Write)+len(f.Forget) > 0 || f.Network != "") {
		return errors.New("--off runs the server without a sandbox, so it takes no folders or network setting")
	}
	return nil
}

// Changes reports whether f changes anything; flags that change nothing only ask what the
// server may touch now.
func (f SandboxFlags) Changes() bool {
	return f.On || f.Off || f.Network != "" || len(f.Read)+len(f.Write)+len(f.Forget) > 0
}

// Change is f as a SandboxChange for Server.ChangeSandbox (any flag but Off confines a server
// that was not; On alone does just that). A folder keeps "~/…" as written (SandboxFolder);
// anything else becomes a full, clean path from the current folder. Call Check first.
func (f SandboxFlags) Change() (SandboxChange, error) {
	c := SandboxChange{Off: f.Off}
	for _, l := range []struct {
		in  []string
		out *[]string
	}{{f.Read, &c.Read}, {f.Write, &c.Write}, {f.Forget, &c.Forget}} {
		for _, dir := range l.in {
			p, err := sandboxFolderArg(dir)
			if err != nil {
				return SandboxChange{}, err
			}
			*l.out = append(*l.out, p)
		}
	}
	if f.Network != "" {
		net := f.Network == "on"
		c.Network = &net
	}
	return c, nil
}

// sandboxFolderArg is dir as SandboxFolder keeps it, or else its full path from the current
// folder.
func sandboxFolderArg(dir string) (string, error) {
	if p, ok := SandboxFolder(dir); ok {
		return p, nil
	}
	p, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("%q is not a folder MCP Tray can find: %w", dir, err)
	}
	return p, nil
}
