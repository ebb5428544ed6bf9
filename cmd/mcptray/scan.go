package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/clients/reconcile"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
	"github.com/spf13/cobra"
)

// scanOutput is `mcptray scan --json`: one entry per server (or file) scanned. It is stable
// and documented in docs/scanner.md.
type scanOutput struct {
	Targets []scanTargetOutput `json:"targets"`
}

type scanTargetOutput struct {
	Name  string              `json:"name"`
	Error string              `json:"error,omitempty"`
	Tools []policy.ScanReport `json:"tools"`
}

func newScanCmd(e *env) *cobra.Command {
	var asJSON bool
	var client string
	cmd := &cobra.Command{
		Use:   "scan FILE | ID | --client CLIENT",
		Short: "Check a server's tools for hidden instructions before you enable it",
		Long: `scan checks tool definitions for tool poisoning: hidden orders to the AI model, requests
for private files, rules about other tools, invisible or encoded text, and more
(docs/scanner.md). Every finding names its kind, the tool and the field it is in.

  mcptray scan FILE          a JSON list of tool definitions, or a tools/list result ("-" reads stdin)
  mcptray scan ID            a catalog entry: started in a sandbox and a throwaway folder, with
                             placeholder credentials, its tools listed, then stopped
  mcptray scan --client C    every server you set up by hand in an AI app, started the same way

A server started to be scanned can read the system and its runtime and nothing of yours,
change only its throwaway folder, and has no network (an npx package is downloaded first,
without running it; a server started with uvx, uv, pipx, bunx or deno keeps the network, since
it downloads its package as it starts). A computer that cannot confine a server only scans files.
Nothing is installed or changed.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if client != "" && len(args) > 0 {
				return usageError{errors.New("give either --client or a file or catalog id, not both")}
			}
			if client == "" && len(args) != 1 {
				return usageError{errors.New("mcptray scan needs a file, a catalog id or --client CLIENT")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var out scanOutput
			switch {
			case client != "":
				c, err := clientArg(client)
				if err != nil {
					return err
				}
				targets, skipped, err := installer.ClientScanTargets(reconcile.ImportOptions{Home: e.home}, c.ID())
				if err != nil {
					return err
				}
				for _, s := range skipped {
					if !asJSON {
						fmt.Fprintf(e.stderr, "Not scanned: %s (%s)\n", display.Line(s.Key), display.Line(s.Reason))
					}
				}
				if len(targets) == 0 && !asJSON {
					fmt.Fprintf(e.stdout, "%s has no servers set up by hand to scan.\n", c.Name())
					return nil
				}
				for _, t := range targets {
					out.Targets = append(out.Targets, e.scanTarget(cmd.Context(), t, asJSON))
				}
			case args[0] == "-" || fileExists(args[0]) || looksLikePath(args[0]):
				t, err := scanFile(args[0], e.stdin)
				if err != nil {
					return err
				}
				out.Targets = append(out.Targets, t)
			default:
				t, err := installer.CatalogScanTarget(cmd.Context(), e.home, args[0])
				if err != nil {
					return err
				}
				out.Targets = append(out.Targets, e.scanTarget(cmd.Context(), t, asJSON))
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(out)
			}
			printScan(e.stdout, out)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings as JSON")
	cmd.Flags().StringVar(&client, "client", "", "scan the servers set up by hand in this AI app (see: mcptray client list)")
	return cmd
}

// looksLikePath reports whether arg is meant as a file even though none is there (a catalog id
// is never absolute, relative to "." or a .json name), so a mistyped path is answered as a
// missing file, not as a missing catalog entry.
func looksLikePath(arg string) bool {
	return filepath.IsAbs(arg) || strings.HasPrefix(arg, "./") || strings.HasPrefix(arg, "../") || strings.HasSuffix(arg, ".json")
}

func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir()
}

// scanTarget starts one server in a throwaway folder, lists its tools and scans them. A server
// that cannot be listed gives an entry with its error; the other servers are still scanned.
func (e *env) scanTarget(ctx context.Context, t installer.ScanTarget, quiet bool) scanTargetOutput {
	if ctx == nil {
		ctx = context.Background()
	}
	if !quiet {
		fmt.Fprintf(e.stderr, "Starting %s in a sandbox to list its tools…\n", display.Line(t.Name))
	}
	tools, err := installer.ListToolsIsolated(ctx, t)
	if err != nil {
		return scanTargetOutput{Name: t.Name, Tools: []policy.ScanReport{}, Error: err.Error()}
	}
	return scanTargetOutput{Name: t.Name, Tools: policy.ScanDefinitions(tools)}
}

// scanBeforeInstall lists the tools of the server an install plan would add — started in a
// sandbox and a throwaway folder, with placeholder credentials, never the person's files or
// credentials — and prints what the scanner finds, so the person sees it before confirming.
// A server that cannot be listed this way is only noted: its tools are scanned anyway when it
// first lists them after the install.
func (e *env) scanBeforeInstall(ctx context.Context, p catalog.InstallPlan) {
	e.checkBeforeInstall(ctx, installer.PlanScanTarget(e.home, p.Name, p))
}

// checkBeforeInstall scans t and prints the findings, or why its tools could not be checked.
func (e *env) checkBeforeInstall(ctx context.Context, t installer.ScanTarget) {
	fmt.Fprintln(e.stdout, "Checking its tools before you decide (it runs in a sandbox, without your files or credentials)…")
	res := e.scanTarget(ctx, t, true)
	if res.Error != "" {
		fmt.Fprintf(e.stdout, "Its tools could not be checked now (%s); MCP Tray checks them when the server first lists them.\n", display.Line(res.Error))
		return
	}
	printScan(e.stdout, scanOutput{Targets: []scanTargetOutput{res}})
}

// scanFile reads tool definitions from a file: a JSON list of tools, a tools/list result
// ({"tools": […]}), or a whole response ({"result": {"tools": […]}}).
func scanFile(path string, stdin io.Reader) (scanTargetOutput, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return scanTargetOutput{}, fmt.Errorf("there is no file %s to scan", path)
	}
	if err != nil {
		return scanTargetOutput{}, fmt.Errorf("reading %s: %w", path, err)
	}
	tools, err := policy.ToolDefinitions(b)
	if err != nil {
		return scanTargetOutput{}, fmt.Errorf("%s holds no tool definitions MCP Tray can read: %v; give a JSON list of tools or a tools/list result", path, err)
	}
	return scanTargetOutput{Name: path, Tools: policy.ScanDefinitions(tools)}, nil
}

// printScan writes the findings for a person: one line per finding, naming the tool; text
// from the server goes through display.Line.
func printScan(w io.Writer, out scanOutput) {
	for i, t := range out.Targets {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if t.Error != "" {
			fmt.Fprintf(w, "%s could not be scanned: %s\n", display.Line(t.Name), display.Line(t.Error))
			continue
		}
		flagged := 0
		for _, r := range t.Tools {
			if r.Flagged {
				flagged++
			}
		}
		fmt.Fprintf(w, "%s: %s, %s flagged.\n", display.Line(t.Name), plural(len(t.Tools), "tool", "tools"), plural(flagged, "tool", "tools"))
		for _, r := range t.Tools {
			for _, s := range r.Sentences() {
				fmt.Fprintf(w, "  %s: %s\n", display.Line(r.Tool), display.Line(s))
			}
		}
		if flagged > 0 {
			fmt.Fprintln(w, "A flagged tool starts at \"ask\" once the server is added: MCP Tray asks you before each call.")
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
