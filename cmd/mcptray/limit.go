package main

import (
	"fmt"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/spf13/cobra"
)

func newPolicyLimitCmd(e *env) *cobra.Command {
	var ch config.LimitChange
	cmd := &cobra.Command{
		Use:   "limit SERVER [TOOL] [--timeout 2s] [--rate 10/m] [--concurrent 1] [--client C] | --clear",
		Short: "Limit how long a server's tool calls may run, how often and how many at once",
		Long: `Limit a server's tool calls, all of them or one tool's, for every AI app or one (--client):
  --timeout 2s      a call that runs longer is stopped and the server told to cancel it
  --rate 10/m       at most 10 calls a minute (also /s, /h, /d); more get "try again in N s"
  --concurrent 1    at most one call running or waiting for your answer at a time
--clear removes the limits of the server (or of the tool, or the AI app, when named).
Clearing or raising a limit is yours alone to do: AI apps and servers may only tighten.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) < 1 || len(args) > 2 {
				return usageError{fmt.Errorf("%s needs a server name and, if you like, a tool name", cmd.CommandPath())}
			}
			if len(args) == 2 {
				ch.Tool = args[1]
			}
			if err := ch.CheckFlags(); err != nil {
				return usageError{err}
			}
			err := changePolicy(e, api.PolicyLimit, api.LimitParams{Name: args[0], LimitChange: ch}, args[0], func(s *config.Server) error {
				return s.ChangeLimit(ch)
			})
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, ch.Sentence(args[0]))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&ch.Timeout, "timeout", "", "stop a call that runs longer than this (2s, 30s, 5m)")
	f.StringVar(&ch.Rate, "rate", "", "calls allowed per period (10/m, 3/s, 100/h)")
	f.IntVar(&ch.Concurrent, "concurrent", 0, "calls allowed at once, counting those waiting for your answer")
	f.StringVar(&ch.Client, "client", "", "limit only this AI app's calls (as it names itself)")
	f.BoolVar(&ch.Clear, "clear", false, "remove the limits instead")
	return cmd
}
