package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"text/tabwriter"
	"time"

	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/policy"
	"github.com/spf13/cobra"
)

func newPolicyCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Decide which tool calls run at once, which ask you first, and which never run",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{errors.New("policy needs a command: list, set, trust or review")}
		},
	}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list SERVER",
		Short: "Show a server's tools and what happens when each is called",
		Args:  exactArgs(1, "a server name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var res daemon.PolicyListResult
			if err := e.call("policy.list", daemon.NameParams{Name: args[0]}, &res); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e, res)
			}
			if len(res.Tools) == 0 {
				fmt.Fprintf(e.stdout, "MCP Tray has not seen the tools of %s yet: they appear once an AI app connects to it.\n", args[0])
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TOOL\tRULE\tWHY")
			for _, t := range res.Tools {
				rule := string(t.Rule)
				if t.Blocked {
					rule = "blocked"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Tool, rule, t.Reason)
			}
			return tw.Flush()
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	set := &cobra.Command{
		Use:   "set SERVER TOOL allow|ask|deny",
		Short: "Choose what happens when a tool is called",
		Args:  exactArgs(3, "a server name, a tool name and allow, ask or deny"),
		RunE: func(cmd *cobra.Command, args []string) error {
			rule := config.Rule(args[2])
			if rule != config.RuleAllow && rule != config.RuleAsk && rule != config.RuleDeny {
				return usageError{fmt.Errorf("%q is not a rule: use allow, ask or deny", args[2])}
			}
			err := updateServer(e, args[0], func(s *config.Server) error {
				s.EnsurePolicy().Tools[args[1]] = rule
				return nil
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s of %s: %s.\n", args[1], args[0], map[config.Rule]string{
				config.RuleAllow: "runs without asking", config.RuleAsk: "asks you first", config.RuleDeny: "never runs, and AI apps no longer see it"}[rule])
			return nil
		},
	}
	var off bool
	trust := &cobra.Command{
		Use:   "trust SERVER [--off]",
		Short: "Let every tool of a server run without asking (flagged or changed tools still ask)",
		Args:  exactArgs(1, "a server name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			err := updateServer(e, args[0], func(s *config.Server) error {
				s.EnsurePolicy().Trust = !off
				return nil
			})
			if err != nil {
				return err
			}
			if off {
				fmt.Fprintf(e.stdout, "%s is no longer trusted: tools that may change things ask first.\n", args[0])
			} else {
				fmt.Fprintf(e.stdout, "%s is trusted: its tools run without asking, except flagged or changed ones.\n", args[0])
			}
			return nil
		},
	}
	trust.Flags().BoolVar(&off, "off", false, "stop trusting the server")
	var accept bool
	review := &cobra.Command{
		Use:   "review SERVER TOOL [--accept]",
		Short: "Show how a blocked tool changed since it was first seen, and accept the change",
		Args:  exactArgs(2, "a server name and a tool name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var rev policy.PinReview
			if err := e.call("policy.review", daemon.ToolParams{Name: args[0], Tool: args[1]}, &rev); err != nil {
				return err
			}
			if !accept {
				b, _ := json.MarshalIndent(rev, "", "  ")
				fmt.Fprintf(e.stdout, "%s\n", b)
				fmt.Fprintf(e.stdout, "\nTo accept the new definition: mcptray policy review %s %s --accept\n", args[0], args[1])
				return nil
			}
			if err := e.call("policy.accept", daemon.ToolParams{Name: args[0], Tool: args[1], Fingerprint: rev.NewFingerprint}, nil); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Accepted the new definition of %s; it is no longer blocked.\n", args[1])
			return nil
		},
	}
	review.Flags().BoolVar(&accept, "accept", false, "accept the new definition and unblock the tool")
	cmd.AddCommand(list, set, trust, review)
	return cmd
}

func newApprovalsCmd(e *env) *cobra.Command {
	var asJSON, watch bool
	cmd := &cobra.Command{
		Use:   "approvals",
		Short: "List tool calls waiting for your answer",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if watch {
				ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
				defer stop()
				err := e.client().Stream(ctx, "approvals.watch", nil, func(raw json.RawMessage) error {
					if asJSON {
						fmt.Fprintf(e.stdout, "%s\n", raw)
						return nil
					}
					var ev policy.Event
					json.Unmarshal(raw, &ev)
					if ev.Kind == policy.ApprovalAdded {
						printApproval(e, ev.Approval)
					} else if ev.Decision != nil {
						fmt.Fprintf(e.stdout, "%s: %s (%s)\n", ev.Approval.ID, ev.Decision.Outcome, ev.Decision.Reason)
					}
					return nil
				})
				if errors.Is(err, context.Canceled) {
					return nil
				}
				return err
			}
			var res struct {
				Approvals []policy.Approval `json:"approvals"`
			}
			if err := e.call("approvals", nil, &res); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e, res)
			}
			if len(res.Approvals) == 0 {
				fmt.Fprintln(e.stdout, "No tool call is waiting for you.")
			}
			for _, a := range res.Approvals {
				printApproval(e, a)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (one object per event with --watch)")
	cmd.Flags().BoolVar(&watch, "watch", false, "keep printing new requests as they arrive")
	return cmd
}

func printApproval(e *env, a policy.Approval) {
	who := a.Client
	if who == "" {
		who = "An AI app"
	}
	fmt.Fprintf(e.stdout, "%s  %s wants to run %s › %s  (answer within %s)\n", a.ID, who, a.Server, a.Tool,
		time.Until(a.Deadline).Round(time.Second))
	if len(a.Arguments) > 0 {
		fmt.Fprintf(e.stdout, "    arguments: %s\n", a.Arguments)
	}
	for _, w := range a.Warnings {
		fmt.Fprintf(e.stdout, "    ⚠ %s\n", w)
	}
	answers := "mcptray approve " + a.ID + "   |   mcptray deny " + a.ID
	if a.SessionOffered {
		answers += "   |   --session"
	}
	if a.AlwaysOffered {
		answers += "   |   --always"
	}
	fmt.Fprintf(e.stdout, "    %s\n", answers)
}

func newApproveCmd(e *env) *cobra.Command {
	var session, always bool
	cmd := &cobra.Command{
		Use:   "approve ID [--session|--always]",
		Short: "Let a waiting tool call run (once, for this session, or always)",
		Args:  exactArgs(1, "the id of a waiting call (see: mcptray approvals)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if session && always {
				return usageError{errors.New("choose --session or --always, not both")}
			}
			answer, said := "once", "Allowed once"
			if session {
				answer, said = "session", "Allowed for the rest of this session"
			} else if always {
				answer, said = "always", "Always allowed from now on"
			}
			if err := e.call("approve", daemon.ApproveParams{ID: args[0], Answer: answer}, nil); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s.\n", said)
			return nil
		},
	}
	cmd.Flags().BoolVar(&session, "session", false, "also allow this tool for the rest of this AI app's connection")
	cmd.Flags().BoolVar(&always, "always", false, "always allow this tool (saved in config.json)")
	return cmd
}

func newDenyCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "deny ID",
		Short: "Refuse a waiting tool call",
		Args:  exactArgs(1, "the id of a waiting call (see: mcptray approvals)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := e.call("deny", daemon.ApproveParams{ID: args[0]}, nil); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "Denied.")
			return nil
		},
	}
}

func newAuditCmd(e *env) *cobra.Command {
	var server string
	var asJSON bool
	var last int
	cmd := &cobra.Command{
		Use:   "audit [verify]",
		Short: "Show the record of tool calls, or check that nobody changed it",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if args[0] != "verify" {
					return usageError{fmt.Errorf("audit takes no argument but verify, not %q", args[0])}
				}
				rep, err := policy.Verify(e.home.AuditDir())
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(e, rep)
				}
				if !rep.OK {
					return errors.New(rep.Problem)
				}
				fmt.Fprintf(e.stdout, "The audit log is intact: %d calls in %d files, every line chained to the one before.\n", rep.Lines, rep.Files)
				return nil
			}
			recs, err := policy.ReadAudit(e.home.AuditDir(), policy.AuditQuery{Server: server, Last: last})
			if err != nil {
				return err
			}
			if asJSON {
				if recs == nil {
					recs = []policy.AuditRecord{}
				}
				return writeJSON(e, map[string]any{"records": recs})
			}
			if len(recs) == 0 {
				fmt.Fprintln(e.stdout, "No tool calls recorded yet.")
			}
			for _, r := range recs {
				fmt.Fprintln(e.stdout, r.String())
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&server, "server", "", "only this server's calls")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().IntVar(&last, "last", 50, "how many recent calls (0 for all)")
	return cmd
}
