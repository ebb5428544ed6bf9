package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// The labels the windows build again and again.

// bold is a heading inside a page or dialog.
func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// wrapped is a label whose text wraps at word boundaries.
func wrapped(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// wrappedAs is wrapped with an importance (warning, danger…).
func wrappedAs(s string, i widget.Importance) *widget.Label {
	l := wrapped(s)
	l.Importance = i
	return l
}

// lowLabel is wrapped, quieter text: a hint or a secondary fact.
func lowLabel(s string) *widget.Label { return wrappedAs(s, widget.LowImportance) }
