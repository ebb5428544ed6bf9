package app

import (
	"context"
	"encoding/json"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/daemon"
	"github.com/mcptray/mcptray/supervisor"
)

// maxLogLines bounds what a log window keeps on screen.
const maxLogLines = 2000

// showLogs opens a window that follows a server's log live until it is closed.
func (u *UI) showLogs(name string) {
	win := u.fa.NewWindow("Logs — " + name)
	grid := widget.NewTextGrid()
	grid.ShowLineNumbers = false
	scroll := container.NewScroll(grid)
	paused := false
	pause := widget.NewCheck("Pause", func(on bool) { paused = on })
	var lines []string
	copyBtn := widget.NewButton("Copy all", func() { u.fa.Clipboard().SetContent(strings.Join(lines, "\n")) })
	win.SetContent(container.NewBorder(nil, container.NewHBox(pause, copyBtn), nil, nil, scroll))
	win.Resize(fyne.NewSize(760, 460))
	ctx, cancel := context.WithCancel(context.Background())
	win.SetOnClosed(cancel)
	win.Show()
	go func() {
		u.opts.Client.Stream(ctx, "logs", daemon.LogsParams{Name: name, Tail: 500, Follow: true}, func(raw json.RawMessage) error {
			var l supervisor.Line
			if json.Unmarshal(raw, &l) != nil {
				return nil
			}
			text := formatLogLine(l)
			fyne.Do(func() {
				lines = append(lines, text)
				if len(lines) > maxLogLines {
					lines = lines[len(lines)-maxLogLines:]
				}
				if !paused {
					grid.SetText(strings.Join(lines, "\n"))
					scroll.ScrollToBottom()
				}
			})
			return nil
		})
	}()
}

// formatLogLine renders one log line for the screen.
func formatLogLine(l supervisor.Line) string {
	who := "server"
	if l.Source == "mcptray" {
		who = "MCP Tray"
	}
	return l.Time.Local().Format("15:04:05") + "  " + who + ": " + l.Text
}
