package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/mcptray/mcptray/internal/display"
	"github.com/mcptray/mcptray/policy"
)

// approvalView is the approval prompt's window and widgets. It only draws what
// approvalPrompt tells it to; its buttons call back into the prompt.
type approvalView struct {
	p       *approvalPrompt
	win     fyne.Window
	visible bool
	shown   string    // id of the call on screen, "" when none
	due     time.Time // its deadline

	banner     *fyne.Container
	bannerText *widget.RichText
	pos        *widget.Label
	title      *widget.Label
	app        *widget.Label // which program made the call
	problem    *widget.Label
	desc       *widget.Label
	descFull   string        // the whole description, escaped
	descShort  string        // its first lines; "" when it is short enough to show whole
	descMore   *promptButton // "Show full description" / "Show less"
	argsHead   *widget.Label // "What it will be given", with the count when there are many
	args       *fyne.Container
	warnings   *fyne.Container
	clock      *widget.Label
	wait       *widget.Label // "the buttons work in 1 s"
	scroll     *container.Scroll

	once, session, always, deny *promptButton
}

func newApprovalView(p *approvalPrompt) *approvalView {
	v := &approvalView{p: p, win: p.u.fa.NewWindow(ApprovalWindowTitle)}
	alwaysOnTop(v.win)

	v.bannerText = widget.NewRichText(&widget.TextSegment{Style: widget.RichTextStyle{
		ColorName: theme.ColorNameForegroundOnError, TextStyle: fyne.TextStyle{Bold: true}}})
	v.bannerText.Wrapping = fyne.TextWrapWord
	v.banner = container.NewStack(canvas.NewRectangle(theme.Color(theme.ColorNameError)), v.bannerText)
	v.pos = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	v.pos.Importance = widget.WarningImportance
	v.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Wrapping = fyne.TextWrapWord
	v.title.SizeName = theme.SizeNameSubHeadingText
	v.app = lowLabel("")
	v.problem = wrappedAs("", widget.DangerImportance)
	v.desc = wrapped("")
	v.descMore = newPromptButton("", v.toggleDescription, p)
	v.descMore.Importance = widget.LowImportance
	v.args = container.New(layout.NewFormLayout())
	v.warnings = container.NewVBox()
	v.clock = widget.NewLabel("")
	v.clock.Importance = widget.WarningImportance
	v.wait = widget.NewLabel("")
	v.wait.Importance = widget.LowImportance

	v.once = v.button("Allow once", "once")
	v.once.Importance = widget.HighImportance
	v.session = v.button("Allow this session", "session")
	v.always = v.button("Always allow", "always")
	v.deny = v.button("Deny", "deny")
	v.deny.Importance = widget.DangerImportance

	heading := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	v.argsHead = heading(argsHeading(0))
	// What the call will do comes first, always in reach; what the tool says about itself
	// (which the server wrote, at any length) comes after, folded.
	body := container.NewVBox(
		v.argsHead, v.args,
		v.warnings,
		heading("What the tool says it does"), v.desc, container.NewHBox(v.descMore),
	)
	v.scroll = container.NewVScroll(body)
	top := container.NewVBox(v.banner, v.pos, v.title, v.app, v.problem)
	buttons := container.NewHBox(v.deny, layout.NewSpacer(), v.always, v.session, v.once)
	bottom := container.NewVBox(widget.NewSeparator(), v.clock, v.wait, buttons)
	v.win.SetContent(container.NewBorder(top, bottom, nil, nil, v.scroll))
	v.win.Resize(fyne.NewSize(640, 600))
	v.win.CenterOnScreen()
	v.win.SetCloseIntercept(v.closeRequested)
	// Keys answer when released, and only keys pressed once the prompt is ready (see
	// approvalPrompt.keyUp); typed keys, which include the operating system's repeats, never do.
	if c, ok := v.win.Canvas().(desktop.Canvas); ok {
		c.SetOnKeyDown(p.keyDown)
		c.SetOnKeyUp(func(ev *fyne.KeyEvent) { p.keyUp(ev) })
	}
	return v
}

// closeRequested is the window's close button: closing the window means no to every call
// in it.
func (v *approvalView) closeRequested() { v.p.denyAll() }

// button makes one of the four answer buttons; it answers the call on screen once the prompt
// is ready, and is disabled until then (renderReady).
func (v *approvalView) button(label, answer string) *promptButton {
	b := newPromptButton(label, func() { v.p.tapped(answer) }, v.p)
	b.Disable()
	return b
}

// answerButtons are the four answer buttons.
func (v *approvalView) answerButtons() []*promptButton {
	return []*promptButton{v.once, v.session, v.always, v.deny}
}

// renderReady turns the answer buttons on once the prompt is ready, and off again when the
// call's time is up; until it is ready, a line says when it will be.
func (v *approvalView) renderReady(now time.Time) {
	ready := v.p.ready()
	for _, b := range v.answerButtons() {
		if ready != !b.Disabled() {
			setEnabled(b, ready)
		}
	}
	note := ""
	if !ready && (v.due.IsZero() || now.Before(v.due)) {
		note = readyNote("the call", v.p.readyAt.Sub(now))
	}
	if note != v.wait.Text {
		v.wait.SetText(note)
	}
	setShown(v.wait, note != "")
}

// toggleDescription shows the whole description, or only its first lines again.
func (v *approvalView) toggleDescription() {
	if v.desc.Text == v.descShort {
		v.desc.SetText(v.descFull)
		v.descMore.SetText("Show less")
	} else {
		v.desc.SetText(v.descShort)
		v.descMore.SetText(descNote(v.descFull))
	}
}

// render shows waiting[0] and the queue's length; it reports whether the call on screen
// changed (a changed call is redrawn whole, so an expanded argument stays expanded only
// while its call stays on screen).
func (v *approvalView) render(waiting []policy.Approval, now time.Time) bool {
	a := waiting[0]
	v.pos.SetText(position(0, len(waiting)))
	setShown(v.pos, len(waiting) > 1)
	setShown(v.problem, v.p.problem != "")
	v.problem.SetText(v.p.problem)
	if a.ID == v.shown {
		v.renderClock(now)
		return false
	}
	v.shown, v.due = a.ID, a.Deadline
	if b := productionBanner(a); b != "" {
		v.bannerText.Segments[0].(*widget.TextSegment).Text = b
		v.bannerText.Refresh()
		v.banner.Show()
	} else {
		v.banner.Hide()
	}
	v.title.SetText(headline(a))
	v.app.SetText(appNote(a))
	setShown(v.app, v.app.Text != "")
	v.descFull = describeTool(a)
	if short, folded := foldDescription(v.descFull); folded {
		v.descShort = short
		v.desc.SetText(short)
		v.descMore.SetText(descNote(v.descFull))
		v.descMore.Show()
	} else {
		v.descShort = ""
		v.desc.SetText(v.descFull)
		v.descMore.Hide()
	}
	v.renderWarnings(a.Warnings)
	v.renderArgs(argFields(a.Arguments))
	setShown(v.session, a.SessionOffered)
	setShown(v.always, a.AlwaysOffered)
	v.scroll.ScrollToTop()
	v.renderClock(now)
	return true
}

func (v *approvalView) renderClock(now time.Time) {
	if v.due.IsZero() {
		v.clock.SetText("")
		return
	}
	v.clock.SetText(countdown(v.due.Sub(now)))
}

func (v *approvalView) renderWarnings(ws []string) {
	v.warnings.RemoveAll()
	for _, w := range ws {
		l := wrappedAs(display.Line(w), widget.WarningImportance)
		v.warnings.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, l))
	}
	setShown(v.warnings, len(ws) > 0)
}

func (v *approvalView) renderArgs(fields []argField) {
	v.argsHead.SetText(argsHeading(len(fields)))
	v.args.RemoveAll()
	if len(fields) == 0 {
		v.args.Add(widget.NewLabel(""))
		v.args.Add(widget.NewLabel("Nothing: the call has no arguments."))
		return
	}
	for _, f := range fields {
		key := widget.NewLabelWithStyle(f.Key, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		v.args.Add(key)
		v.args.Add(v.argValue(f))
	}
}

// argValue is one argument's value, folded behind a button when long.
func (v *approvalView) argValue(f argField) fyne.CanvasObject {
	val := wrapped(f.Value)
	if f.Short == "" {
		return val
	}
	val.SetText(f.Short)
	expanded := false
	var toggle *promptButton
	toggle = newPromptButton(foldNote(f), func() {
		expanded = !expanded
		if expanded {
			val.SetText(f.Value)
			toggle.SetText("Show less")
		} else {
			val.SetText(f.Short)
			toggle.SetText(foldNote(f))
		}
	}, v.p)
	toggle.Importance = widget.LowImportance
	return container.NewVBox(val, container.NewHBox(toggle))
}

// setShown shows or hides o.
func setShown(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

// promptButton is a button of the prompt that leaves Enter and Escape to the prompt even when
// it has the keyboard focus, so Enter is always "allow once" and never the focused "always
// allow", and that acts on keys as the prompt does: on release, for a press made once the
// prompt was ready, never on a repeat.
type promptButton struct {
	widget.Button
	p *approvalPrompt
}

func newPromptButton(label string, tapped func(), p *approvalPrompt) *promptButton {
	b := &promptButton{p: p}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

// KeyDown notes the press for the prompt (desktop.Keyable: a focused widget gets the presses
// instead of the window).
func (b *promptButton) KeyDown(ev *fyne.KeyEvent) { b.p.press(ev, true) }

// KeyUp gives Enter and Escape to the prompt; Space, pressed once the prompt was ready,
// presses the button.
func (b *promptButton) KeyUp(ev *fyne.KeyEvent) {
	pressed := b.p.down[ev.Name]
	if b.p.keyUp(ev) || ev.Name != fyne.KeySpace {
		return
	}
	if pressed && b.p.ready() && !b.Disabled() && b.OnTapped != nil {
		b.OnTapped()
	}
}

// TypedKey ignores every key: typed keys include the operating system's repeats of a held key,
// and the prompt acts on releases instead (KeyUp).
func (b *promptButton) TypedKey(*fyne.KeyEvent) {}
