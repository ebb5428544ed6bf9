package main

import (
	"fmt"
	"os"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/sandbox"
	"github.com/spf13/cobra"
)

func newServerSandboxCmd(e *env) *cobra.Command {
	var f config.SandboxFlags
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
			if err := f.Check(); err != nil {
				return usageError{err}
			}
			change := f.Changes()
			var srv *config.Server
			update := func(s *config.Server) error {
				if change {
					c, err := f.Change()
					if err != nil {
						return err
					}
					s.ChangeSandbox(c)
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
	cmd.Flags().StringArrayVar(&f.Read, "read", nil, "a folder the server may read (repeatable)")
	cmd.Flags().StringArrayVar(&f.Write, "write", nil, "a folder the server may read and change (repeatable)")
	cmd.Flags().StringArrayVar(&f.Forget, "forget", nil, "a folder to take back (repeatable)")
	cmd.Flags().StringVar(&f.Network, "network", "", "on or off")
	cmd.Flags().BoolVar(&f.On, "on", false, "run the server in its sandbox")
	cmd.Flags().BoolVar(&f.Off, "off", false, "run the server without a sandbox: it can touch everything you can")
	return cmd
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
