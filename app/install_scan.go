package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/internal/display"
)

// Before the person presses Install, the daemon starts the chosen server in its sandbox and a
// throwaway folder, lists its tools and scans them ("catalog.scan"); the answers page shows
// the findings above the Install button. The scan never blocks the install: a server whose
// tools cannot be listed this way is checked anyway when it first lists them.

// scanChecking is shown while the scan runs.
const scanChecking = "Checking its tools…"

// scanCallTimeout bounds the call: the daemon gives up on a listing after three minutes.
const scanCallTimeout = 4 * time.Minute

// newScanLabel is the label under the answers that shows what the scan found.
func newScanLabel() *widget.Label {
	l := lowLabel(scanChecking)
	return l
}

// checkTools asks the daemon to scan entry id's tools and shows the outcome in d.findings,
// unless the person has moved on to another entry (or another visit of the page) meanwhile.
func (d *installDialog) checkTools(id string) {
	d.stopScan()
	ctx, cancel := context.WithTimeout(context.Background(), scanCallTimeout)
	d.stopScan = cancel
	label := d.findings
	go func() {
		defer cancel()
		res, err := api.Call(ctx, d.u.opts.Client, api.CatalogScan, api.ScanParams{ID: id})
		if ctx.Err() == context.Canceled {
			return // the page was left or the window closed
		}
		d.u.do(func() {
			if d.findings != label {
				return
			}
			text, flagged := scanFindingsText(res, err)
			label.SetText(text)
			switch {
			case flagged:
				label.Importance = widget.WarningImportance
			case err != nil:
				label.Importance = widget.LowImportance
			default:
				label.Importance = widget.MediumImportance
			}
			label.Refresh()
			if d.planFindings != nil {
				copyLabel(d.planFindings, label)
			}
		})
	}()
}

// scanFindingsText is what the answers page says about the server's tools: why they could not
// be checked, a calm line when nothing was found, or every finding of each flagged tool, one
// per line. flagged reports whether any tool was flagged. The server's text is escaped.
func scanFindingsText(res api.ScanResult, err error) (text string, flagged bool) {
	if err != nil {
		return "Its tools could not be checked before installing: " + sentence(err) +
			" MCP Tray checks them when the server first lists them.", false
	}
	if res.Flagged == 0 {
		switch res.Tools {
		case 0:
			return "It lists no tools yet.", false
		case 1:
			return "No hidden instructions found in its one tool.", false
		}
		return fmt.Sprintf("No hidden instructions found in its %d tools.", res.Tools), false
	}
	var b strings.Builder
	if res.Flagged == 1 {
		fmt.Fprintf(&b, "1 of its %d tools may hide instructions for the AI model. It will start at \"ask\": MCP Tray asks you before each call.", res.Tools)
	} else {
		fmt.Fprintf(&b, "%d of its %d tools may hide instructions for the AI model. They will start at \"ask\": MCP Tray asks you before each call.", res.Flagged, res.Tools)
	}
	var last []string
	for _, f := range res.Findings {
		line := []string{f.Tool, f.Sentence}
		if len(last) == 2 && last[0] == line[0] && last[1] == line[1] {
			continue
		}
		last = line
		fmt.Fprintf(&b, "\n• %s: %s", display.Line(f.Tool), display.Line(f.Sentence))
	}
	return b.String(), true
}
