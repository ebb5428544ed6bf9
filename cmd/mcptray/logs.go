package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/control"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/supervisor"
	"github.com/spf13/cobra"
)

func newLogsCmd(e *env) *cobra.Command {
	var follow, traffic bool
	var tail int
	cmd := &cobra.Command{
		Use:   "logs NAME",
		Short: "Show what a server printed (its stderr) and what MCP Tray noted about it",
		Args:  exactArgs(1, "the name of a server"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
			defer stop()
			if traffic {
				err := api.OpenStream(ctx, e.client(), api.Traffic, api.LogsParams{Name: name, Tail: tail, Follow: follow}, func(r api.TrafficRecord) error {
					fmt.Fprintln(e.stdout, formatTraffic(r))
					return nil
				})
				if errors.Is(err, context.Canceled) {
					return nil
				}
				return err
			}
			err := api.OpenStream(ctx, e.client(), api.Logs, api.LogsParams{Name: name, Tail: tail, Follow: follow}, func(l supervisor.Line) error {
				fmt.Fprintln(e.stdout, formatLogLine(l))
				return nil
			})
			if errors.Is(err, control.ErrNotRunning) && !follow {
				return logsFromFile(e, name, tail)
			}
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new lines as they come")
	cmd.Flags().IntVar(&tail, "tail", 100, "how many recent lines to show (0 for all that are kept)")
	cmd.Flags().BoolVar(&traffic, "traffic", false, "show the MCP messages relayed (direction, method, id, size, time taken; never their contents)")
	return cmd
}

// logsFromFile prints the end of a server's log file when MCP Tray is not running.
func logsFromFile(e *env, name string, tail int) error {
	path := filepath.Join(e.home.LogDir(), name+".log")
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("MCP Tray is not running and has no saved log for %q", name)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if tail > 0 && len(lines) > tail {
			lines = lines[1:]
		}
	}
	fmt.Fprintf(e.stderr, "(MCP Tray is not running; showing the saved log %s)\n", path)
	for _, l := range lines {
		fmt.Fprintln(e.stdout, display.Line(l))
	}
	return nil
}

// formatLogLine renders one line of a server's log. What the server printed is shown with its
// control characters escaped, so a carriage return or a terminal escape in it cannot redraw
// the person's terminal.
func formatLogLine(l supervisor.Line) string {
	return fmt.Sprintf("%s %-7s %s", l.Time.Local().Format("15:04:05"), display.Line(l.Source), display.Line(l.Text))
}

// formatTraffic renders one relayed message. Every field a client or server chose (the
// session, method and id among them) is escaped for the terminal.
func formatTraffic(r api.TrafficRecord) string {
	line := fmt.Sprintf("%s %s %-13s %-12s", r.Time.Local().Format("15:04:05.000"), display.Line(r.Session), display.Line(r.Direction), display.Line(r.Kind))
	if r.Method != "" {
		line += " " + display.Line(r.Method)
	}
	if r.ID != "" {
		line += " id=" + display.Line(r.ID)
	}
	line += fmt.Sprintf(" %d B", r.Size)
	if r.Latency > 0 {
		line += fmt.Sprintf(" after %s", r.Latency.Round(10*time.Microsecond))
	}
	return line
}
