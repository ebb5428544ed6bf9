package app

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The Logs tab's source choices.
const (
	logsEverything = "Everything"
	logsServer     = "What the server printed"
	logsTraffic    = "Messages with AI apps"
)

// logsTab follows one server's log and traffic live, with a filter, pause and copy.
type logsTab struct {
	w       *mainWindow
	server  *widget.Select
	source  *widget.RadioGroup
	query   *widget.Entry
	pause   *widget.Check
	copy    *widget.Button
	list    *widget.List
	held    *widget.Label
	lines   []logLine // everything received, oldest first, at most maxLogLines
	shown   []logLine // what the list shows
	name    string    // the server followed; "" for none
	cancel  context.CancelFunc
	content fyne.CanvasObject
}

func newLogsTab(w *mainWindow) *logsTab {
	t := &logsTab{w: w, cancel: func() {}}
	t.server = widget.NewSelect(nil, func(name string) {
		if name != t.name {
			t.follow(name)
		}
	})
	t.server.PlaceHolder = "Choose a server"
	t.source = widget.NewRadioGroup([]string{logsEverything, logsServer, logsTraffic}, nil)
	t.source.Horizontal = true
	t.source.Required = true
	t.source.SetSelected(logsEverything)
	t.query = widget.NewEntry()
	t.query.SetPlaceHolder("Show only lines with…")
	t.query.OnChanged = func(string) { t.redraw() }
	t.held = widget.NewLabel("")
	t.held.Importance = widget.WarningImportance
	t.pause = widget.NewCheck("Pause", func(bool) { t.redraw() })
	t.copy = widget.NewButtonWithIcon("Copy", theme.ContentCopyIcon(), func() {
		w.u.fa.Clipboard().SetContent(t.text())
	})
	t.list = widget.NewList(
		func() int { return len(t.shown) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.TextStyle.Monospace = true
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(t.shown[id].String()) },
	)
	t.source.OnChanged = func(string) { t.redraw() }
	top := container.NewBorder(nil, nil, t.server, container.NewHBox(t.pause, t.copy), t.query)
	t.content = container.NewBorder(container.NewVBox(top, t.source), t.held, nil, nil, t.list)
	return t
}

// refreshServers keeps the server choice in step with the model.
func (t *logsTab) refreshServers() {
	names := t.w.u.m.names()
	t.server.SetOptions(names)
}

// start follows the first server when the tab opens with none chosen.
func (t *logsTab) start() {
	if t.name == "" && len(t.server.Options) > 0 {
		t.follow(t.server.Options[0])
	}
}

// follow switches the tab to a server's log.
func (t *logsTab) follow(name string) {
	t.cancel()
	t.name, t.lines = name, nil
	t.server.SetSelected(name)
	var ctx context.Context
	ctx, t.cancel = context.WithCancel(context.Background())
	t.w.u.followLogs(ctx, name, func(l logLine) {
		if ctx.Err() != nil {
			return // a line of the server followed before
		}
		t.lines = append(t.lines, l)
		if len(t.lines) > maxLogLines {
			t.lines = t.lines[len(t.lines)-maxLogLines:]
		}
		t.redraw()
	})
	t.redraw()
}

func (t *logsTab) filter() logFilter {
	f := logFilter{query: t.query.Text}
	switch t.source.Selected {
	case logsServer:
		f.source = sourceServer
	case logsTraffic:
		f.source = sourceTraffic
	}
	return f
}

// redraw applies the filter, unless paused: then it only counts what arrived.
func (t *logsTab) redraw() {
	all := visibleLines(t.lines, t.filter())
	if t.pause.Checked {
		if n := len(all) - len(t.shown); n > 0 {
			t.held.SetText(fmt.Sprintf("Paused · %d new lines not shown yet", n))
		} else {
			t.held.SetText("Paused")
		}
		t.held.Show()
		return
	}
	t.held.Hide()
	t.shown = all
	t.list.Refresh()
	if len(t.shown) > 0 {
		t.list.ScrollToBottom()
	}
}

// text is what Copy puts on the clipboard: the lines shown, one per line.
func (t *logsTab) text() string {
	var b strings.Builder
	for _, l := range t.shown {
		b.WriteString(l.String())
		b.WriteByte('\n')
	}
	return b.String()
}
