package app

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

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
	problem    *widget.Label
	desc       *widget.Label
	args       *fyne.Container
	warnings   *fyne.Container
	clock      *widget.Label
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
	v.problem = widget.NewLabel("")
	v.problem.Wrapping = fyne.TextWrapWord
	v.problem.Importance = widget.DangerImportance
	v.desc = widget.NewLabel("")
	v.desc.Wrapping = fyne.TextWrapWord
	v.args = container.New(layout.NewFormLayout())
	v.warnings = container.NewVBox()
	v.clock = widget.NewLabel("")
	v.clock.Importance = widget.WarningImportance

	v.once = v.button("Allow once", "once")
	v.once.Importance = widget.HighImportance
	v.session = v.button("Allow this session", "session")
	v.always = v.button("Always allow", "always")
	v.deny = v.button("Deny", "deny")
	v.deny.Importance = widget.DangerImportance

	heading := func(s string) fyne.CanvasObject {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	body := container.NewVBox(
		v.warnings,
		heading("What the tool says it does"), v.desc,
		heading("What it will be given"), v.args,
	)
	v.scroll = container.NewVScroll(body)
	top := container.NewVBox(v.banner, v.pos, v.title, v.problem)
	buttons := container.NewHBox(v.deny, layout.NewSpacer(), v.always, v.session, v.once)
	bottom := container.NewVBox(widget.NewSeparator(), v.clock, buttons)
	v.win.SetContent(container.NewBorder(top, bottom, nil, nil, v.scroll))
	v.win.Resize(fyne.NewSize(600, 520))
	v.win.CenterOnScreen()
	v.win.SetCloseIntercept(v.closeRequested)
	v.win.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { p.keyAnswer(ev) })
	return v
}

// closeRequested is the window's close button: closing the window means no to every call
// in it.
func (v *approvalView) closeRequested() { v.p.denyAll() }

// button makes one of the four answer buttons; it answers the call on screen.
func (v *approvalView) button(label, answer string) *promptButton {
	return newPromptButton(label, func() { v.p.answer(v.shown, answer) }, v.p.keyAnswer)
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
	v.desc.SetText(describeTool(a))
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
		l := widget.NewLabel(w)
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		v.warnings.Add(container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, l))
	}
	setShown(v.warnings, len(ws) > 0)
}

func (v *approvalView) renderArgs(fields []argField) {
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
	val := widget.NewLabel(f.Value)
	val.Wrapping = fyne.TextWrapWord
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
	}, v.p.keyAnswer)
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

// promptButton is a button that leaves Enter and Escape to the prompt even when it has the
// keyboard focus, so Enter is always "allow once" and never the focused "always allow".
type promptButton struct {
	widget.Button
	keys func(*fyne.KeyEvent) bool
}

func newPromptButton(label string, tapped func(), keys func(*fyne.KeyEvent) bool) *promptButton {
	b := &promptButton{keys: keys}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey gives Enter and Escape to the prompt; other keys (Space) press the button.
func (b *promptButton) TypedKey(ev *fyne.KeyEvent) {
	if b.keys != nil && b.keys(ev) {
		return
	}
	b.Button.TypedKey(ev)
}
