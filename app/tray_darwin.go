package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// The macOS menu bar expects monochrome template images.
const useTemplateIcons = true

func trayHostAvailable() bool { return true }

// templateIcon marks a monochrome SVG as a template image: Fyne hands a ThemedResource to the
// menu bar as a template, which macOS tints for light and dark menu bars.
func templateIcon(r fyne.Resource) fyne.Resource { return theme.NewThemedResource(r) }
