package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/supervisor"
)

// maxLogLines bounds what the Logs tab keeps on screen.
const maxLogLines = 2000

// The sources a log line comes from.
const (
	sourceServer  = "server"  // what the server printed on stderr
	sourceMCPTray = "mcptray" // MCP Tray's notes about the server
	sourceTraffic = "traffic" // a message relayed between an AI app and the server
)

// logLine is one line of the Logs tab.
type logLine struct {
	time   time.Time
	source string
	text   string
}

// String renders the line for the screen and the clipboard, in local time.
func (l logLine) String() string {
	who := map[string]string{sourceServer: "server", sourceMCPTray: "MCP Tray", sourceTraffic: "message"}[l.source]
	return l.time.Local().Format("15:04:05") + "  " + who + ": " + display.Line(l.text)
}

func fromSupervisor(l supervisor.Line) logLine {
	src := sourceServer
	if l.Source == "mcptray" {
		src = sourceMCPTray
	}
	return logLine{time: l.Time, source: src, text: l.Text}
}

// formatTraffic says in words what one relayed message was; it never holds the message body.
func formatTraffic(r api.TrafficRecord) string {
	client := display.Line(r.Client)
	if client == "" {
		client = "an AI app"
	}
	from, to := client, display.Line(r.Server)
	if strings.HasPrefix(r.Direction, "server") {
		from, to = r.Server, client
	}
	kind, method, id := display.Line(r.Kind), display.Line(r.Method), display.Line(r.ID)
	what := kind
	switch {
	case method != "" && id != "":
		what = fmt.Sprintf("%s (request %s)", method, id)
	case method != "":
		what = method
	case id != "":
		what = fmt.Sprintf("%s to request %s", kind, id)
	}
	s := fmt.Sprintf("%s → %s: %s, %s", from, to, what, sizeLabel(r.Size))
	if r.Latency > 0 {
		s += ", after " + durationLabel(r.Latency)
	}
	return s
}

func sizeLabel(n int) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d bytes", n)
	case n < 1<<20:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
}

func durationLabel(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "less than 1 ms"
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}

// logFilter says which lines the Logs tab shows.
type logFilter struct {
	source string // "" for every source; sourceServer also shows MCP Tray's notes
	query  string // case-insensitive text the line must contain
}

// visibleLines returns the lines f keeps, in order.
func visibleLines(lines []logLine, f logFilter) []logLine {
	q := strings.ToLower(strings.TrimSpace(f.query))
	var out []logLine
	for _, l := range lines {
		switch f.source {
		case sourceServer:
			if l.source == sourceTraffic {
				continue
			}
		case sourceTraffic:
			if l.source != sourceTraffic {
				continue
			}
		}
		if q != "" && !strings.Contains(strings.ToLower(l.String()), q) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// followLogs streams a server's log and its traffic until ctx ends, handing each line to add
// on the UI goroutine. It returns at once; the streams run on their own goroutines.
func (u *UI) followLogs(ctx context.Context, name string, add func(logLine)) {
	params := api.LogsParams{Name: name, Tail: 500, Follow: true}
	go api.OpenStream(ctx, u.opts.Client, api.Logs, params, func(l supervisor.Line) error {
		line := fromSupervisor(l)
		u.do(func() { add(line) })
		return nil
	})
	go api.OpenStream(ctx, u.opts.Client, api.Traffic, params, func(r api.TrafficRecord) error {
		line := logLine{time: r.Time, source: sourceTraffic, text: formatTraffic(r)}
		u.do(func() { add(line) })
		return nil
	})
}

// showLogs opens the Logs tab on a server's log.
func (u *UI) showLogs(name string) {
	w := u.showMain()
	w.logs.follow(name)
	w.selectTab("Logs")
}
