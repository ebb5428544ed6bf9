package app

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// contrast is the WCAG contrast ratio of two opaque colors.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		n := color.NRGBAModel.Convert(c).(color.NRGBA)
		lin := func(v uint8) float64 {
			x := float64(v) / 255
			if x <= 0.03928 {
				return x / 12.92
			}
			return math.Pow((x+0.055)/1.055, 2.4)
		}
		return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestTextColorsMeetAA checks every text color the window draws against the backgrounds it
// is drawn on, in both variants: labels of each importance on the window and on dialogs,
// placeholders in entries, and the text of buttons of each importance.
func TestTextColorsMeetAA(t *testing.T) {
	texts := []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameDisabled, theme.ColorNameWarning,
		theme.ColorNameError, theme.ColorNameSuccess, theme.ColorNamePrimary}
	type pair struct{ fg, bg fyne.ThemeColorName }
	var pairs []pair
	for _, bg := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameOverlayBackground} {
		for _, fg := range texts {
			pairs = append(pairs, pair{fg, bg})
		}
	}
	pairs = append(pairs, pair{theme.ColorNamePlaceHolder, theme.ColorNameInputBackground},
		pair{theme.ColorNameForeground, theme.ColorNameInputBackground},
		pair{theme.ColorNameForeground, theme.ColorNameButton},
		pair{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
		pair{theme.ColorNameForegroundOnError, theme.ColorNameError},
		pair{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
		pair{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess})
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		th := newReadableTheme(v, true)
		for _, p := range pairs {
			// Translucent backgrounds (inputs, buttons) are drawn over the window's.
			bg := over(th.Color(p.bg, v), th.Color(theme.ColorNameBackground, v))
			if r := contrast(th.Color(p.fg, v), bg); r < 4.5 {
				t.Errorf("variant %d: %s on %s has a contrast of %.2f:1, under 4.5:1", v, p.fg, p.bg, r)
			}
		}
	}
}

// over composes c over the opaque bg.
func over(c, bg color.Color) color.Color {
	n, b := color.NRGBAModel.Convert(c).(color.NRGBA), color.NRGBAModel.Convert(bg).(color.NRGBA)
	a := float64(n.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{mix(n.R, b.R), mix(n.G, b.G), mix(n.B, b.B), 0xff}
}

// TestDefaultThemeFailsAA shows why readableTheme exists: the check above fails Fyne's own.
func TestDefaultThemeFailsAA(t *testing.T) {
	th := theme.DefaultTheme()
	if r := contrast(th.Color(theme.ColorNameDisabled, theme.VariantLight), th.Color(theme.ColorNameBackground, theme.VariantLight)); r >= 4.5 {
		t.Fatalf("the default's quiet text has %.2f:1 on white: readableTheme may no longer be needed", r)
	}
}
