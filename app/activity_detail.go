package app

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
)

// The Activity tab's live updates and a call's details (issue #20).

// activityEvery is how often the Activity tab reads the audit log again while the person is
// looking at it: the daemon's event stream does not carry audit records.
const activityEvery = 2 * time.Second

// askedLimit bounds how many asked calls the window remembers for their details.
const askedLimit = 256

// askedMatch is how far apart an asked call's hold and its audit record's time may be for the
// record to be that call.
const askedMatch = 5 * time.Second

// askedCalls are the calls the person was asked about while this window process ran, the
// last askedLimit, so a call's details show its arguments as the prompt showed them (the
// audit log keeps only their digest unless arguments are logged). UI goroutine only.
type askedCalls struct {
	items []policy.Approval // oldest first
}

// remember keeps a held call (once per id).
func (c *askedCalls) remember(a policy.Approval) {
	for _, x := range c.items {
		if x.ID == a.ID {
			return
		}
	}
	c.items = append(c.items, a)
	if len(c.items) > askedLimit {
		c.items = c.items[1:]
	}
}

// find is the asked call an audit record is about: same app, session, server and tool, held
// closest to the record's time and within askedMatch of it; false when none is.
func (c *askedCalls) find(r policy.AuditRecord) (policy.Approval, bool) {
	var best policy.Approval
	found := false
	var bestGap time.Duration
	for _, a := range c.items {
		if a.Client != r.Client || a.Session != r.Session || a.Server != r.Server || a.Tool != r.Tool {
			continue
		}
		gap := a.Created.Sub(r.Time).Abs()
		if gap > askedMatch {
			continue
		}
		if !found || gap < bestGap {
			best, bestGap, found = a, gap, true
		}
	}
	return best, found
}

// followActivity reads the audit log again every activityEvery while the Activity tab is on
// screen, and stops by itself once it is not. It is idempotent. UI goroutine only.
func (t *auditTab) followActivity() {
	if t.following {
		return
	}
	t.following = true
	go func() {
		tick := time.NewTicker(activityEvery)
		defer tick.Stop()
		for range tick.C {
			on := make(chan bool, 1)
			t.w.u.do(func() {
				visible := t.onScreen()
				if visible {
					t.fetch()
				} else {
					t.following = false
				}
				on <- visible
			})
			select {
			case v := <-on:
				if !v {
					return
				}
			case <-t.w.u.stopped:
				return
			}
		}
	}()
}

// onScreen reports whether the person can see the Activity tab. UI goroutine only.
func (t *auditTab) onScreen() bool {
	sel := t.w.tabs.Selected()
	return t.w.u.mainVisible && sel != nil && sel.Content == t.content
}

// showDetail opens the details of the record at row id: what was called, the arguments as
// the prompt showed them, the decision, who decided and the timings. UI goroutine only.
func (t *auditTab) showDetail(id widget.ListItemID) {
	if id < 0 || id >= len(t.rows) {
		return
	}
	r := t.rows[id]
	a, asked := t.w.u.asked.find(r)
	body := container.NewVBox()
	for _, row := range activityFacts(r, time.Now()) {
		body.Add(detailRow(row[0], row[1]))
	}
	body.Add(widget.NewSeparator())
	body.Add(bold("What it was given"))
	args := r.Args
	if asked {
		args = a.Arguments
	}
	switch fields := argFields(args); {
	case asked || len(r.Args) > 0:
		if len(fields) == 0 {
			body.Add(widget.NewLabel("Nothing: the call had no arguments."))
		}
		for _, f := range fields {
			body.Add(detailRow(f.Key, f.Value))
		}
	default:
		body.Add(wrapped(argumentsNotKept))
	}
	d := dialog.NewCustom(auditWhat(r), "Close", container.NewVScroll(body), t.w.win)
	d.Resize(fyne.NewSize(640, 480))
	t.detail = d
	d.Show()
}

// argumentsNotKept says why a call's details have no arguments.
const argumentsNotKept = "MCP Tray keeps the arguments of the calls you were asked about while its window was " +
	"running; the activity log itself keeps only a fingerprint of them (turn on logging arguments in Settings to keep them)."

// activityFacts are a call's details as label and text pairs. Names from AI apps and servers
// go through display.
func activityFacts(r policy.AuditRecord, now time.Time) [][2]string {
	facts := [][2]string{
		{"AI app", orDash(display.Line(r.Client))},
		{"Server", display.Line(r.Server)},
		{"Tool", display.Line(r.Tool)},
	}
	if r.Scope != "" {
		facts = append(facts, [2]string{"Kubernetes context", display.Line(r.Scope)})
	}
	facts = append(facts,
		[2]string{"When", r.Time.Local().Format("Monday, January 2, 2006 at 15:04:05")},
		[2]string{"What happened", auditDecision(r)},
		[2]string{"Who decided", whoDecided(r)},
	)
	if r.WaitMS > 0 {
		facts = append(facts, [2]string{"Waited for an answer", durationLabel(ms(r.WaitMS))})
	}
	if r.Decision == policy.Allowed {
		facts = append(facts, [2]string{"The tool took", durationLabel(ms(r.DurationMS))})
	}
	note := r.Note
	if stop := guardrailStop(r, now); stop != "" {
		facts = append(facts, [2]string{"Why", stop})
		note = strings.TrimPrefix(strings.TrimPrefix(note, timedOutNote.FindString(note)), ". ")
	} else if r.Reason != "" {
		facts = append(facts, [2]string{"Why", display.Text(r.Reason)})
	}
	if note != "" {
		facts = append(facts, [2]string{"Note", display.Text(note)})
	}
	return facts
}

// whoDecided says who made the decision, in words.
func whoDecided(r policy.AuditRecord) string {
	switch r.DecidedBy {
	case policy.ByPerson:
		if r.Answer != "" {
			return fmt.Sprintf("You (%s)", display.Line(r.Answer))
		}
		return "You"
	case policy.ByRule:
		if guardrailRefused(r) {
			return "Your limits and checks on this server"
		}
		return "Your rules (a rule, a default, or an earlier “always” or “this session”)"
	case policy.ByTimeout:
		return "Nobody: the time to answer ran out, so MCP Tray denied it"
	case policy.ByWithdrawn:
		return "The AI app: it stopped waiting"
	}
	return orDash(display.Line(string(r.DecidedBy)))
}

func detailRow(label, text string) fyne.CanvasObject {
	key := widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	val := wrapped(text)
	return container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(170, key.MinSize().Height), key), nil, val)
}

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
