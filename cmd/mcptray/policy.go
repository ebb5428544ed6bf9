package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/config"
	"github.com/mcptray/mcptray/internal/display"
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
			var res api.PolicyListResult
			if err := call(e, api.PolicyList, api.NameParams{Name: args[0]}, &res); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e, res)
			}
			if len(res.Tools) == 0 {
				fmt.Fprintf(e.stdout, "MCP Tray has not seen the tools of %s yet: they appear once an AI app connects to it.\n", display.Line(args[0]))
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "TOOL\tRULE\tWHY")
			for _, t := range res.Tools {
				rule := string(t.Rule)
				if t.Blocked {
					rule = "blocked"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", display.Line(t.Tool), display.Line(rule), display.Line(t.Reason))
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
			if !rule.Valid() {
				return usageError{fmt.Errorf("%q is not a rule: use allow, ask or deny", args[2])}
			}
			err := changePolicy(e, api.PolicySet, api.RuleParams{Name: args[0], Tool: args[1], Rule: rule}, args[0], func(s *config.Server) error {
				return s.SetRule(args[1], rule)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s of %s: %s.\n", display.Line(args[1]), display.Line(args[0]), map[config.Rule]string{
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
			err := changePolicy(e, api.PolicyTrust, api.TrustParams{Name: args[0], Trust: !off}, args[0], func(s *config.Server) error {
				s.SetTrust(!off)
				return nil
			})
			if err != nil {
				return err
			}
			if off {
				fmt.Fprintf(e.stdout, "%s is no longer trusted: tools that may change things ask first.\n", display.Line(args[0]))
			} else {
				fmt.Fprintf(e.stdout, "%s is trusted: its tools run without asking, except flagged or changed ones.\n", display.Line(args[0]))
			}
			return nil
		},
	}
	trust.Flags().BoolVar(&off, "off", false, "stop trusting the server")
	cmd.AddCommand(list, set, trust, newPolicyReviewCmd(e), newPolicyLimitCmd(e))
	return cmd
}

// changePolicy sends a policy change through the daemon when it runs, so that it decides
// whether the request may loosen anything and applies it at once; otherwise it makes the
// same change to config.json (the daemon's handler calls the same config.Server method),
// which the daemon reads when it starts.
func changePolicy[P any](e *env, m api.Method[P, api.None], p P, server string, change func(*config.Server) error) error {
	if e.daemonRunning() {
		return call(e, m, p, nil)
	}
	return updateServer(e, server, change)
}

// acceptWithoutCode is what a bare --accept means: the flag was given no code.
const acceptWithoutCode = "CODE"

func newPolicyReviewCmd(e *env) *cobra.Command {
	var accept string
	var asJSON bool
	review := &cobra.Command{
		Use:   "review SERVER TOOL [--accept CODE]",
		Short: "Show how a blocked tool changed since it was first seen, and accept exactly the change you saw",
		Long: `Show how a blocked tool changed since MCP Tray first saw it, with a code for the new
definition. To accept it, run the command again with --accept and that code: MCP Tray
accepts the change only if the server still presents exactly the definition you reviewed.`,
		Args: cobra.RangeArgs(2, 3),
		RunE: func(cmd *cobra.Command, args []string) error {
			server, tool := args[0], args[1]
			if accept == "" && cmd.Flags().Changed("accept") {
				accept = acceptWithoutCode
			}
			if accept == "" {
				if len(args) == 3 {
					return usageError{errors.New("review takes a server and a tool name; to accept, add --accept and the code the review showed")}
				}
				var rev policy.PinReview
				if err := call(e, api.PolicyReview, api.ToolParams{Name: server, Tool: tool}, &rev); err != nil {
					return err
				}
				if asJSON {
					return writeJSON(e, rev)
				}
				printReview(e, rev)
				return nil
			}
			code := accept
			if code == acceptWithoutCode && len(args) == 3 {
				code = args[2]
			} else if len(args) == 3 {
				return usageError{errors.New("give the code once, after --accept")}
			}
			if code == acceptWithoutCode || strings.TrimSpace(code) == "" {
				return usageError{fmt.Errorf("--accept needs the code of the definition you reviewed: run `mcptray policy review %s %s` first and copy the code it shows", server, tool)}
			}
			if !policy.IsFingerprintCode(code) {
				return usageError{fmt.Errorf("%q is not a code `mcptray policy review` shows: copy the %d-character code it printed", display.Line(code), policy.ShortFingerprintLen)}
			}
			if err := call(e, api.PolicyAccept, api.ToolParams{Name: server, Tool: tool, Fingerprint: strings.ToLower(code)}, nil); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "Accepted the definition of %s you reviewed (code %s); it is no longer blocked.\n", display.Line(tool), strings.ToLower(code))
			return nil
		},
	}
	review.Flags().StringVar(&accept, "accept", "", "accept the definition with this `CODE` (the review shows it) and unblock the tool")
	review.Flags().Lookup("accept").NoOptDefVal = acceptWithoutCode
	review.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return review
}

// printReview shows a pin review for a person: what changed, both definitions (escaped:
// they come from the server), and the code to accept exactly the new one.
func printReview(e *env, rev policy.PinReview) {
	w := e.stdout
	fmt.Fprintf(w, "%s of %s changed since MCP Tray first saw it, so it is blocked.\n", display.Line(rev.Tool), display.Line(rev.Server))
	if len(rev.Changes) > 0 {
		changes := make([]string, len(rev.Changes))
		for i, c := range rev.Changes {
			changes[i] = display.Line(c)
		}
		fmt.Fprintf(w, "What changed: %s\n", strings.Join(changes, ", "))
	}
	indent := func(raw json.RawMessage) string {
		var b bytes.Buffer
		if json.Indent(&b, raw, "    ", "  ") != nil {
			return display.Line(string(raw))
		}
		return display.Text(b.String())
	}
	fmt.Fprintf(w, "\nBefore (pinned %s):\n    %s\n", rev.PinnedAt.Local().Format(time.DateTime), indent(rev.Old))
	fmt.Fprintf(w, "\nNow (seen %s):\n    %s\n", rev.SeenAt.Local().Format(time.DateTime), indent(rev.New))
	fmt.Fprintf(w, "\nCode of the new definition: %s\n", rev.Fingerprint)
	fmt.Fprintf(w, "To accept exactly this definition: mcptray policy review %s %s --accept %s\n", display.Line(rev.Server), display.Line(rev.Tool), rev.Fingerprint)
	fmt.Fprintln(w, "If the server changes the tool again before you accept, MCP Tray refuses the code and you review the new change.")
}

func newApprovalsCmd(e *env) *cobra.Command {
	var asJSON, watch bool
	var offset int
	cmd := &cobra.Command{
		Use:   "approvals [ID]",
		Short: "List tool calls waiting for your answer, or show one whole",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				var a policy.Approval
				if err := call(e, api.ApprovalGet, api.ApprovalParams{ID: args[0]}, &a); err != nil {
					return err
				}
				if asJSON {
					return writeJSON(e, a)
				}
				printApproval(e, a)
				if a.Description != "" {
					fmt.Fprintf(e.stdout, "    tool description:\n%s\n", indentLines(display.Text(a.Description), "      "))
				}
				return nil
			}
			if watch {
				ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
				defer stop()
				err := api.OpenStreamRaw(ctx, e.client(), api.ApprovalsWatch, api.None{}, func(raw json.RawMessage) error {
					if asJSON {
						fmt.Fprintf(e.stdout, "%s\n", raw)
						return nil
					}
					var ev policy.Event
					json.Unmarshal(raw, &ev)
					if ev.Kind == policy.ApprovalAdded {
						printApproval(e, ev.Approval)
					} else if ev.Decision != nil {
						fmt.Fprintf(e.stdout, "%s: %s (%s)\n", display.Line(ev.Approval.ID), display.Line(string(ev.Decision.Outcome)), display.Line(ev.Decision.Reason))
					}
					return nil
				})
				if errors.Is(err, context.Canceled) {
					return nil
				}
				return err
			}
			var res api.ApprovalsResult
			if err := call(e, api.Approvals, api.ApprovalsParams{Offset: offset}, &res); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(e, res)
			}
			if res.Total == 0 {
				fmt.Fprintln(e.stdout, "No tool call is waiting for you.")
			}
			for _, a := range res.Approvals {
				printApproval(e, a)
			}
			if more := res.Total - res.Offset - len(res.Approvals); more > 0 {
				fmt.Fprintf(e.stdout, "… and %d more waiting (mcptray approvals --offset %d lists the next ones).\n", more, res.Offset+len(res.Approvals))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (one object per event with --watch)")
	cmd.Flags().BoolVar(&watch, "watch", false, "keep printing new requests as they arrive")
	cmd.Flags().IntVar(&offset, "offset", 0, "skip this many of the oldest waiting calls")
	return cmd
}

// appName names who asks: the name the client claims and, when it differs, the program that
// MCP Tray saw start the bridge, which the client cannot choose.
func appName(client, app string) string {
	who := display.Line(cmp.Or(client, "An AI app"))
	switch {
	case app == "" || policy.ClaimMatches(client, app):
		return who
	case client == "":
		return fmt.Sprintf("%s (started by %s)", who, display.Line(app))
	}
	return fmt.Sprintf("%s (claimed; started by %s)", who, display.Line(app))
}

func printApproval(e *env, a policy.Approval) {
	fmt.Fprintf(e.stdout, "%s  %s wants to run %s › %s  (answer within %s)\n", display.Line(a.ID), appName(a.Client, a.App),
		display.Line(a.Server), display.Line(a.Tool), time.Until(a.Deadline).Round(time.Second))
	if a.KubeContext != "" {
		prod := ""
		if a.Production {
			prod = " (production)"
		}
		fmt.Fprintf(e.stdout, "    Kubernetes context: %s%s\n", display.Line(a.KubeContext), prod)
	}
	if len(a.Arguments) > 0 {
		fmt.Fprintf(e.stdout, "    arguments: %s\n", display.Line(string(a.Arguments)))
		if a.Truncated {
			fmt.Fprintf(e.stdout, "    (shortened: mcptray approvals %s shows the call whole)\n", display.Line(a.ID))
		}
	}
	for _, w := range a.Warnings {
		fmt.Fprintf(e.stdout, "    ⚠ %s\n", display.Line(w))
	}
	answers := "mcptray approve " + display.Line(a.ID) + "   |   mcptray deny " + display.Line(a.ID)
	if a.SessionOffered {
		answers += "   |   --session"
	}
	if a.AlwaysOffered {
		answers += "   |   --always"
	}
	fmt.Fprintf(e.stdout, "    %s\n", answers)
}

// indentLines puts prefix before every line of s.
func indentLines(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
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
			if err := call(e, api.Approve, api.ApproveParams{ID: args[0], Answer: answer}, nil); err != nil {
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
			if err := call(e, api.Deny, api.ApproveParams{ID: args[0]}, nil); err != nil {
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
				rep, err := verifyAudit(e)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(e, rep)
				}
				if !rep.OK {
					return errors.New(rep.Problem)
				}
				for _, line := range rep.Sentences() {
					fmt.Fprintln(e.stdout, line)
				}
				return nil
			}
			flushAudit(e)
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
				fmt.Fprintln(e.stdout, r.String()) // String escapes what clients and servers named
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&server, "server", "", "only this server's calls")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().IntVar(&last, "last", 50, "how many recent calls (0 for all)")
	cmd.AddCommand(newAuditExportCmd(e))
	return cmd
}

// verifyAudit checks the audit log with the key that seals its end, read from the keychain.
// When the keychain cannot be read, only the chain is checked and the report's note says so.
func verifyAudit(e *env) (policy.AuditReport, error) {
	ctx, cancel := keychainCtx()
	defer cancel()
	key, err := policy.AuditKey(ctx, e.keys(), e.home.AuditDir(), false)
	return policy.VerifyWith(e.home.AuditDir(), policy.VerifyOptions{Key: key, KeyErr: err})
}

// flushAudit asks a running daemon to put every call that has ended into the audit log's
// files (it writes them in batches while calls keep coming); with no daemon they are there
// already, and a daemon that does not answer in time is not waited for.
func flushAudit(e *env) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	api.Call(ctx, e.client(), api.AuditFlush, api.None{})
}
