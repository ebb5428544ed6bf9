package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/sandbox"
	"github.com/spf13/cobra"
)

func newServerSandboxCmd(e *env) *cobra.Command {
	var reads, writes, forget []string
	var network string
	var on, off bool
	cmd := &cobra.Command{
		Use:   "sandbox NAME [--read DIR]... [--write DIR]... [--forget DIR]... [--network on|off] [--on|--off]",
		Short: "Show or change what a server may touch: folders, network, or no sandbox at all",
		Long: `A confined server can read the system and its own runtime, use its own folders, and
nothing else of yours: not your home folder, your keys or MCP Tray's files. This command grants
it folders (--read to look, --write to change), takes them back (--forget), turns its network
on or off, confines it (--on) or lets it run without a sandbox (--off). With only a name, it
says what the server may touch now.`,
		Example: `  mcptray server sandbox files --write ~/Documents/notes --network off
  mcptray server sandbox legacy --off`,
		Args: exactArgs(1, "the name of a server"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if on && off {
				return usageError{errors.New("--on and --off cannot go together")}
			}
			if network != "" && network != "on" && network != "off" {
				return usageError{fmt.Errorf("--network takes on or off, not %q", network)}
			}
			if off && (len(reads)+len(writes)+len(forget) > 0 || network != "") {
				return usageError{errors.New("--off runs the server without a sandbox, so it takes no folders or network setting")}
			}
			change := on || off || network != "" || len(reads)+len(writes)+len(forget) > 0
			var srv *config.Server
			update := func(s *config.Server) error {
				if change {
					if err := changeSandbox(s, reads, writes, forget, network, off); err != nil {
						return err
					}
				}
				srv = s.Clone()
				return nil
			}
			var err error
			if change {
				err = updateServer(e, name, update)
			} else {
				var cfg *config.Config
				if cfg, err = e.home.Load(); err == nil {
					s, ok := cfg.Servers[name]
					if !ok {
						return errNoServer(name)
					}
					err = update(s)
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s %s.\n", display.Line(name), sandboxSentence(name, srv))
			if gaps := sandbox.Check().Gaps(); gaps != "" && srv.Sandbox.Confined() {
				fmt.Fprintln(e.stdout, gaps)
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&reads, "read", nil, "a folder the server may read (repeatable)")
	cmd.Flags().StringArrayVar(&writes, "write", nil, "a folder the server may read and change (repeatable)")
	cmd.Flags().StringArrayVar(&forget, "forget", nil, "a folder to take back (repeatable)")
	cmd.Flags().StringVar(&network, "network", "", "on or off")
	cmd.Flags().BoolVar(&on, "on", false, "run the server in its sandbox")
	cmd.Flags().BoolVar(&off, "off", false, "run the server without a sandbox: it can touch everything you can")
	return cmd
}

// changeSandbox applies the sandbox flags to s (config.Server.ChangeSandbox).
// Any flag but --off confines a server that was not (--on alone does just that).
func changeSandbox(s *config.Server, reads, writes, forget []string, network string, off bool) error {
	c := config.SandboxChange{Off: off}
	for _, l := range []struct {
		in  []string
		out *[]string
	}{{reads, &c.Read}, {writes, &c.Write}, {forget, &c.Forget}} {
		for _, dir := range l.in {
			p, err := folderArg(dir)
			if err != nil {
				return err
			}
			*l.out = append(*l.out, p)
		}
	}
	if network != "" {
		net := network == "on"
		c.Network = &net
	}
	s.ChangeSandbox(c)
	return nil
}

// folderArg keeps "~/x" as written (config.json stays valid for the person on any machine)
// and makes anything else a full, clean path, from the current folder.
func folderArg(dir string) (string, error) {
	if p, ok := config.SandboxFolder(dir); ok {
		return p, nil
	}
	p, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("%q is not a folder MCP Tray can find: %w", dir, err)
	}
	return p, nil
}

// sandboxSentence says what the server may touch, for `server sandbox` and `server status`:
// "can read and change files in Documents/notes; cannot use the internet", or, for a server
// nobody confined yet, the offer to.
func sandboxSentence(name string, s *config.Server) string {
	home, _ := os.UserHomeDir()
	line := display.Line(s.Sandbox.Sentence(home))
	if s.Sandbox == nil {
		line += fmt.Sprintf(" (to confine it: mcptray server sandbox %s --on)", display.Line(name))
	}
	return line
}
