package app

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/api"
	"github.com/mcptray/mcptray/catalog"
	"github.com/mcptray/mcptray/installer"
	"github.com/mcptray/mcptray/internal/display"
)

// InstallWindowTitle is the install dialog's window title.
const InstallWindowTitle = "MCP Tray: add a server"

// installDialog walks the person through adding a server from the catalog: pick an entry,
// answer its questions and choose the AI apps, then watch it install. One at a time; only the
// UI goroutine touches it.
type installDialog struct {
	u   *UI
	win fyne.Window

	// Pick.
	search   *widget.Entry
	category *widget.Select
	list     *widget.List
	pickNote *widget.Label
	next     *widget.Button
	entries  []installer.EntryView // the built-in catalog, then catalog.list's answer
	shown    []installer.EntryView
	chosen   *installer.EntryView
	// bundle is the bundle file the dialog installs (install_bundle.go); nil for the catalog.
	bundle *installer.BundleView
	// loads counts catalog.list calls, so that only the latest one's answer is shown;
	// note is the quiet line the last answer left (install_catalog.go).
	loads int
	note  string

	// Answer.
	name    *widget.Entry
	fields  []*answerField
	clients map[string]*widget.Check // client id → "should see it"
	problem *widget.Label
	toPlan  *widget.Button // "Next": asks for the plan
	answers fyne.CanvasObject
	// findings shows what "catalog.scan" found in the entry's tools (install_scan.go);
	// stopScan abandons a scan still running.
	findings *widget.Label
	stopScan context.CancelFunc

	// Review (install_plan.go decides what it says).
	plan         installer.PlanView
	allowed      map[string]bool // hazard keys the person allowed on this visit of the page
	planFindings *widget.Label   // the scan's findings again, above Install
	consent      *widget.Label
	install      *widget.Button

	// Progress.
	activity *widget.Activity
	step     *widget.Label
	lines    *fyne.Container
	result   *widget.Label
	back     *widget.Button
	close    *widget.Button
	cancel   context.CancelFunc
	running  bool
}

// showInstall opens the install dialog, or brings it forward if it is open.
func (u *UI) showInstall() {
	w := u.window()
	if w.install != nil {
		w.install.win.Show()
		w.install.win.RequestFocus()
		return
	}
	d := &installDialog{u: u, win: u.fa.NewWindow(InstallWindowTitle), cancel: func() {}, stopScan: func() {}}
	w.install = d
	u.dialog(d.win, func() {
		d.cancel()
		d.stopScan()
		w.install = nil
	})
	d.win.Resize(fyne.NewSize(720, 640))
	d.showPick()
	d.win.Show()
	d.load("")
}

// showPick is the first page: the catalog with search and categories.
func (d *installDialog) showPick() {
	d.stopScan()
	d.search = widget.NewEntry()
	d.search.SetPlaceHolder("Search, for example: files, GitHub, database")
	d.search.OnChanged = func(string) { d.filter(false) }
	d.search.OnSubmitted = func(q string) { d.load(q) }
	d.category = widget.NewSelect([]string{allCategories}, func(string) { d.filter(false) })
	d.category.Selected = allCategories
	d.pickNote = wrapped("")
	d.list = widget.NewList(
		func() int { return len(d.shown) },
		func() fyne.CanvasObject {
			title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			desc := widget.NewLabel("")
			desc.Truncation = fyne.TextTruncateEllipsis
			facts := widget.NewLabel("")
			facts.Importance = widget.LowImportance
			facts.Truncation = fyne.TextTruncateEllipsis
			return withIcon(container.NewVBox(title, desc, facts))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			e := d.shown[id]
			box := setIcon(o, e)
			box.Objects[0].(*widget.Label).SetText(entryTitle(e))
			box.Objects[1].(*widget.Label).SetText(catalog.CardLine(e.Description))
			facts := box.Objects[2].(*widget.Label)
			facts.SetText(entryFacts(e))
			facts.Importance = widget.LowImportance
			if w := entryWarning(e); w != "" {
				facts.SetText(w)
				facts.Importance = widget.DangerImportance
			}
			facts.Refresh()
		},
	)
	d.list.OnSelected = func(id widget.ListItemID) {
		if id < len(d.shown) {
			e := d.shown[id]
			d.chosen = &e
			d.next.Enable()
		}
	}
	d.next = widget.NewButtonWithIcon("Next", theme.NavigateNextIcon(), func() {
		if d.chosen != nil {
			d.showAnswers(*d.chosen)
		}
	})
	d.next.Importance = widget.HighImportance
	d.next.Disable()
	cancel := widget.NewButton("Cancel", d.win.Close)
	top := container.NewVBox(
		widget.NewLabelWithStyle("Pick a server to add", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(220, d.category.MinSize().Height), d.category), d.search), d.pickNote)
	d.win.SetContent(container.NewBorder(top, container.NewBorder(nil, nil, nil, container.NewHBox(cancel, d.next)), nil, nil, d.list))
	d.win.Canvas().Focus(d.search)
	if len(d.entries) > 0 { // back from the questions: the list as it was loaded
		d.category.SetOptions(catalogCategories(d.entries))
		d.filter(false)
	}
}

// showAnswers is the second page: the entry's questions and the AI apps that should see it.
func (d *installDialog) showAnswers(e installer.EntryView) {
	head := widget.NewLabelWithStyle(entryTitle(e), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.SizeName = theme.SizeNameSubHeadingText
	desc := wrapped(display.Text(e.Description))
	facts := lowLabel(entryFacts(e))
	suggested := e.ID
	if d.bundle != nil {
		suggested = d.bundle.Server
	}
	d.name = widget.NewEntry()
	d.name.SetPlaceHolder(suggested)
	form := widget.NewForm(widget.NewFormItem("Name in MCP Tray", d.name))
	form.Items[0].HintText = "Leave empty for \"" + suggested + "\"."
	d.fields = nil
	for _, q := range e.Questions {
		f := newAnswerField(q, d.win)
		d.fields = append(d.fields, f)
		form.AppendItem(f.formItem())
	}
	d.clients = map[string]*widget.Check{}
	apps := container.NewVBox(lowLabel("Looking for AI apps…"))
	callThen(d.u, api.ClientsStatus, api.None{}, func(res api.ClientsResult, err error) {
		apps.RemoveAll()
		for _, c := range res.Clients {
			if !c.Detected {
				continue
			}
			check := widget.NewCheck(c.Name, nil)
			check.SetChecked(c.Enabled)
			d.clients[c.ID] = check
			apps.Add(check)
		}
		if len(d.clients) == 0 {
			apps.Add(lowLabel("MCP Tray found no AI app on this computer; you can choose them later in the AI apps tab."))
		}
	})
	d.problem = wrappedAs("", widget.DangerImportance)
	d.problem.SetText(entryWarning(e))
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), d.showPick)
	if d.bundle != nil {
		back = widget.NewButton("Cancel", d.win.Close)
	}
	d.toPlan = widget.NewButtonWithIcon("Next", theme.NavigateNextIcon(), func() { d.review(e) })
	d.toPlan.Importance = widget.HighImportance
	if e.RuntimeMissing != "" {
		d.toPlan.Disable()
	}
	d.findings = newScanLabel()
	d.planFindings = nil
	body := container.NewVBox(container.NewBorder(nil, nil, entryImage(e), nil, head), desc, facts)
	if d.bundle != nil {
		body.Add(bundleNotes(*d.bundle))
		d.findings.SetText("") // a bundle's tools are not scanned before it is installed
		d.findings.Hide()
	} else {
		d.checkTools(e.ID)
	}
	body.Add(container.NewVBox(widget.NewSeparator(), form,
		widget.NewLabelWithStyle("Which AI apps should see it?", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), apps))
	d.answers = container.NewBorder(nil, container.NewVBox(d.findings, d.problem, container.NewBorder(nil, nil, back, d.toPlan)), nil, nil,
		container.NewVScroll(body))
	d.win.SetContent(d.answers)
}

// review checks the answers and asks the daemon what the install would run ("catalog.plan"),
// then shows it; nothing is installed yet.
func (d *installDialog) review(e installer.EntryView) {
	values := d.values()
	if msg := missingAnswers(e.Questions, values); msg != "" {
		d.problem.SetText(msg)
		return
	}
	d.problem.SetText(entryWarning(e))
	d.toPlan.Disable()
	answers := d.answers
	params := installer.PlanParams{ID: e.ID, Name: strings.TrimSpace(d.name.Text), Values: planValues(e.Questions, values)}
	callThen(d.u, api.CatalogPlan, params, func(p installer.PlanView, err error) {
		if d.answers != answers || d.win.Content() != answers {
			return // the person went elsewhere meanwhile
		}
		d.toPlan.Enable()
		if err != nil {
			d.problem.SetText(sentence(err))
			return
		}
		d.showPlan(e, values, p)
	})
}

// values collects the answers, without empty ones so the installer fills in defaults.
func (d *installDialog) values() map[string]string {
	out := map[string]string{}
	for _, f := range d.fields {
		if v := f.value(); v != "" {
			out[f.q.Key] = v
		}
	}
	return out
}

// showPlan is the review page: where the server comes from, what will run (folded), each
// hazard with its own "Allow this", and Install, which waits until every hazard is allowed.
func (d *installDialog) showPlan(e installer.EntryView, values map[string]string, p installer.PlanView) {
	d.plan = p
	d.allowed = map[string]bool{}
	head := widget.NewLabelWithStyle("Check what will run", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.SizeName = theme.SizeNameSubHeadingText
	body := container.NewVBox(head, widget.NewLabelWithStyle(planHeading(entryTitle(e), p), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, n := range planNotes(p) {
		l := wrapped(n.Text)
		if n.Danger {
			l.Importance = widget.DangerImportance
			l.TextStyle.Bold = true
			body.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.NewErrorThemedResource(theme.WarningIcon())), nil, l))
			continue
		}
		body.Add(l)
	}
	// The hazards come before the folded command, so unfolding it never hides them.
	if len(p.Hazards) > 0 {
		body.Add(widget.NewLabelWithStyle(hazardsHeading(len(p.Hazards)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		for _, h := range p.Hazards {
			body.Add(d.hazardRow(h, p.Env))
		}
	}
	run := container.NewVBox(lowLabel(planCommandIntro(p)), monoLabel(planCommand(p)))
	if env := planEnvironment(p); len(env) > 0 {
		run.Add(lowLabel(planEnvironmentIntro(p)))
		for _, line := range env {
			run.Add(monoLabel(line))
		}
	}
	body.Add(widget.NewAccordion(widget.NewAccordionItem(planTitle(p), run)))
	d.planFindings = wrapped("")
	copyLabel(d.planFindings, d.findings)
	d.consent = wrappedAs("", widget.WarningImportance)
	back := widget.NewButtonWithIcon("Back", theme.NavigateBackIcon(), func() {
		d.planFindings = nil
		d.win.SetContent(d.answers)
	})
	d.install = widget.NewButtonWithIcon("Install", theme.DownloadIcon(), func() {
		if allow, left := planAllow(d.plan, d.allowed); left == 0 {
			d.start(e, values, allow)
		}
	})
	d.install.Importance = widget.HighImportance
	d.updateConsent()
	d.win.SetContent(container.NewBorder(nil, container.NewVBox(d.planFindings, d.consent, container.NewBorder(nil, nil, back, d.install)), nil, nil,
		container.NewVScroll(body)))
}

// hazardRow is one hazard: a red warning with the item, its reason, and an unchecked
// "Allow this".
func (d *installDialog) hazardRow(h installer.HazardView, env map[string]string) fyne.CanvasObject {
	item, reason := hazardText(h, env)
	what := widget.NewLabel(item)
	what.Wrapping = fyne.TextWrapBreak
	what.Importance = widget.DangerImportance
	what.TextStyle = fyne.TextStyle{Monospace: true}
	why := wrapped(reason)
	allow := widget.NewCheck("Allow this", func(on bool) {
		d.allowed[h.Key] = on
		d.updateConsent()
	})
	return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.NewErrorThemedResource(theme.WarningIcon()))), container.NewVBox(allow),
		container.NewVBox(what, why))
}

// updateConsent enables Install once every hazard is allowed, and says what it waits for.
func (d *installDialog) updateConsent() {
	_, left := planAllow(d.plan, d.allowed)
	d.consent.SetText(consentNote(left))
	if left > 0 {
		d.consent.Show()
		d.install.Disable()
	} else {
		d.consent.Hide()
		d.install.Enable()
	}
}

// monoLabel shows text that was escaped for display in a fixed-width font, wrapped anywhere
// so a long argument cannot widen the window.
func monoLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapBreak
	l.TextStyle.Monospace = true
	return l
}

// copyLabel gives dst the text and importance of src.
func copyLabel(dst, src *widget.Label) {
	dst.Text = src.Text
	dst.Importance = src.Importance
	dst.Refresh()
}

// start runs the install stream with the answers and the allowed hazards, showing its progress.
func (d *installDialog) start(e installer.EntryView, values map[string]string, allow []string) {
	var chosen []string
	for id, c := range d.clients {
		if c.Checked {
			chosen = append(chosen, id)
		}
	}
	slices.Sort(chosen)
	req := installer.Request{ID: e.ID, Name: strings.TrimSpace(d.name.Text), Values: values, Clients: chosen, Allow: allow, Plan: d.plan.Digest}
	d.stopScan()
	d.planFindings = nil
	d.showProgress(e, d.answers)
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	d.running = true
	go func() {
		last := installer.Progress{Step: installer.StepFailed, Message: "MCP Tray stopped answering before the install finished; check the Servers tab."}
		err := api.OpenStream(ctx, d.u.opts.Client, api.Install, req, func(p installer.Progress) error {
			last = p
			d.u.do(func() { d.progress(p) })
			return nil
		})
		if err != nil && ctx.Err() == nil {
			last = installer.Progress{Step: installer.StepFailed, Message: sentence(err)}
		}
		d.u.do(func() {
			if last.Step != installer.StepDone && last.Step != installer.StepFailed {
				last.Step = installer.StepFailed
			}
			d.progress(last)
		})
	}()
}

// showProgress is the third page: an activity indicator and the installer's sentences.
func (d *installDialog) showProgress(e installer.EntryView, answers fyne.CanvasObject) {
	d.activity = widget.NewActivity()
	d.activity.Start()
	d.step = widget.NewLabelWithStyle(stepLabel(installer.StepChecking), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.lines = container.NewVBox()
	d.result = wrapped("")
	d.result.Hide()
	d.back = widget.NewButtonWithIcon("Change answers", theme.NavigateBackIcon(), func() { d.win.SetContent(answers) })
	d.back.Hide()
	d.close = widget.NewButton("Close", d.win.Close)
	d.close.Hide()
	head := widget.NewLabelWithStyle("Adding "+entryTitle(e), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.win.SetContent(container.NewBorder(
		container.NewVBox(head, container.NewHBox(d.activity, d.step)),
		container.NewVBox(d.result, container.NewBorder(nil, nil, d.back, d.close)), nil, nil,
		container.NewVScroll(d.lines)))
}

// progress shows one line of the install stream; done and failed end it.
func (d *installDialog) progress(p installer.Progress) {
	if !d.running {
		return
	}
	d.step.SetText(stepLabel(p.Step))
	switch p.Step {
	case installer.StepDone:
		d.running = false
		d.activity.Stop()
		d.activity.Hide()
		d.result.SetText(doneSentence(p.Server, p.Tools))
		d.result.Importance = widget.SuccessImportance
		d.result.Show()
		d.close.Show()
		d.close.Importance = widget.HighImportance
		d.close.Refresh()
		d.u.window().servers.fetch()
	case installer.StepFailed:
		d.running = false
		d.activity.Stop()
		d.activity.Hide()
		d.result.SetText(display.Text(p.Message))
		d.result.Importance = widget.DangerImportance
		d.result.Show()
		d.back.Show()
		d.close.Show()
	default:
		if p.Message != "" {
			// Installer sentences carry names and output from the registry and the server.
			l := wrapped(display.Text(p.Message))
			d.lines.Add(l)
		}
	}
}
