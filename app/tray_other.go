//go:build !linux && !darwin

package app

import "fyne.io/fyne/v2"

const useTemplateIcons = false

func trayHostAvailable() bool { return true }

// templateIcon is only needed on macOS.
func templateIcon(r fyne.Resource) fyne.Resource { return r }
