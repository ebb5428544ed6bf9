package app

// The macOS menu bar expects monochrome template images.
const useTemplateIcons = true

func trayHostAvailable() bool { return true }
