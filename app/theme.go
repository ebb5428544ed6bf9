package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// readableTheme is Fyne's default theme with the text colors the window uses made to meet
// WCAG AA (a contrast of at least 4.5:1) against the backgrounds they are drawn on, in the
// light and the dark variant. The default's quiet text (Disabled, which low-importance labels
// use), its warning, error, success and primary colors on white, and its primary and
// disabled text on dark do not. A variant other than 0 holds it to that variant, whatever the
// system prefers (the Settings tab's choice).
type readableTheme struct {
	fyne.Theme
	variant fyne.ThemeVariant
	fixed   bool
}

// newReadableTheme is the window's theme: as the system prefers, or held to a variant.
func newReadableTheme(variant fyne.ThemeVariant, fixed bool) fyne.Theme {
	return readableTheme{Theme: theme.DefaultTheme(), variant: variant, fixed: fixed}
}

// readableColors replaces the default's colors that fail AA, per variant.
var readableColors = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantLight: {
		theme.ColorNameDisabled:            color.NRGBA{0x6e, 0x6e, 0x6e, 0xff},
		theme.ColorNamePlaceHolder:         color.NRGBA{0x6e, 0x6e, 0x6e, 0xff},
		theme.ColorNameWarning:             color.NRGBA{0x9a, 0x4f, 0x00, 0xff},
		theme.ColorNameError:               color.NRGBA{0xc6, 0x28, 0x28, 0xff},
		theme.ColorNameSuccess:             color.NRGBA{0x1b, 0x7a, 0x2a, 0xff},
		theme.ColorNamePrimary:             color.NRGBA{0x1f, 0x5f, 0xd6, 0xff},
		theme.ColorNameForegroundOnWarning: color.NRGBA{0xff, 0xff, 0xff, 0xff},
		theme.ColorNameForegroundOnSuccess: color.NRGBA{0xff, 0xff, 0xff, 0xff},
	},
	theme.VariantDark: {
		theme.ColorNameDisabled:            color.NRGBA{0x9a, 0x9a, 0x9a, 0xff},
		theme.ColorNameError:               color.NRGBA{0xff, 0x6e, 0x62, 0xff},
		theme.ColorNamePrimary:             color.NRGBA{0x6b, 0xa4, 0xff, 0xff},
		theme.ColorNameForegroundOnPrimary: color.NRGBA{0x17, 0x17, 0x18, 0xff},
	},
}

// Color is the default's color n, or its readable replacement.
func (t readableTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.fixed {
		v = t.variant
	}
	if c, ok := readableColors[v][n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}
